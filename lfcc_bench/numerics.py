"""Pin how the CPU kernels compute, so a seed gives the same numbers.

On one machine, a seeded benchmark run is bit-identical from one process to
the next. Across x86 machines it is not by default: PyTorch's own vectorised
kernels (ATen), oneDNN (convolutions) and MKL (matrix products) each pick
code paths for the best instruction set of the CPU, and the paths sum in
different orders. On an AVX-512 machine, forcing any one of the three to
AVX2 changes the trained weights. :func:`pin_cpu_numerics` caps all three
at AVX2, the instruction set every x86 machine of the last decade has, and
fixes the thread count; the result is recorded with every row.

It must run before the first torch operation (the libraries read these
settings once); it checks that ATen took it.
"""
from __future__ import annotations

import os
import platform
from typing import Dict

#: ``--cpu-isa`` choices: ``avx2`` pins every library, ``native`` lets each
#: use the best instruction set of the machine (faster where that is
#: AVX-512, not reproducible across machines).
CPU_ISAS = ('avx2', 'native')

#: Environment that caps each kernel library at AVX2. ``MKL_CBWR`` is MKL's
#: conditional numerical reproducibility mode: same results on any CPU that
#: has the named instruction set.
PINNED_ENV: Dict[str, str] = {
    'ATEN_CPU_CAPABILITY': 'avx2',
    'ONEDNN_MAX_CPU_ISA': 'AVX2',
    'MKL_CBWR': 'AVX2',
}


def pin_cpu_numerics(threads: int, cpu_isa: str = 'avx2') -> Dict[str, str]:
    """Cap the kernels' instruction set and fix the thread count.

    Variables the user already set in the environment are kept (and
    recorded). On a non-x86 machine nothing is pinned.

    Args:
        threads (int): Intra-op threads (``torch.set_num_threads``); the
            summation order of parallel kernels depends on it.
        cpu_isa (str): ``'avx2'`` (reproducible across x86 machines) or
            ``'native'`` (each library's best; same-machine reproducible
            only). Defaults to ``'avx2'``.

    Returns:
        dict: What shapes the numbers, for results: ``cpu_isa``, the
        capability ATen uses, the library variables, ``threads``, ``torch``.

    Raises:
        ValueError: If ``cpu_isa`` is unknown or ``threads`` < 1.
        RuntimeError: If ATen already chose another instruction set (torch
            ran an operation before this call).
    """
    if cpu_isa not in CPU_ISAS:
        raise ValueError(f'cpu_isa must be one of {CPU_ISAS}, got '
                         f'{cpu_isa!r}')
    if threads < 1:
        raise ValueError(f'threads must be >= 1, got {threads}')
    x86 = platform.machine().lower() in ('x86_64', 'amd64', 'i686', 'x86')
    if cpu_isa == 'avx2' and x86:
        for name, value in PINNED_ENV.items():
            os.environ.setdefault(name, value)
    import torch
    torch.set_num_threads(threads)
    capability = torch.backends.cpu.get_cpu_capability()
    wanted = os.environ.get('ATEN_CPU_CAPABILITY')
    if cpu_isa == 'avx2' and x86 and wanted and \
            capability.lower() != wanted.lower() and \
            not (wanted.lower() == 'avx2' and capability == 'DEFAULT'):
        raise RuntimeError(
            f'ATen already uses {capability}, not ATEN_CPU_CAPABILITY='
            f'{wanted}: call pin_cpu_numerics before any torch operation')
    numerics = dict(cpu_isa=cpu_isa if x86 else 'native',
                    aten=capability, threads=threads,
                    torch=torch.__version__)
    for name in PINNED_ENV:
        numerics[name] = os.environ.get(name, '')
    return numerics
