"""One clear line for a distributed collective that timed out.

When one rank hangs (a deadlock, a stuck data loader, a stopped process),
every other rank waits in its next collective (all-reduce, all-gather,
barrier) for ``env_cfg.dist_cfg.timeout`` seconds (mmengine passes it to
``torch.distributed.init_process_group``; torch's default is 1800 s). Gloo
then raises ``RuntimeError: [.../gloo/transport/tcp/unbound_buffer.cc:129]
Timed out waiting 10000ms for send operation to complete`` deep inside a
loss; :func:`collective_timeout_message` says instead which collective
timed out, after how long, and which setting changes it.
"""
from __future__ import annotations

import re
from types import TracebackType
from typing import Optional

TIMEOUT_KEY = 'env_cfg.dist_cfg.timeout'
_GLOO_WAIT = re.compile(r'Timed out waiting (\d+)ms')


def _collective(tb: Optional[TracebackType]) -> Optional[str]:
    """The innermost ``torch.distributed`` collective in ``tb``, if any."""
    name = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.replace('\\', '/').endswith(
                'torch/distributed/distributed_c10d.py'):
            name = code.co_name
        tb = tb.tb_next
    return name


def collective_timeout_message(
        err: BaseException,
        timeout_s: Optional[float] = None) -> Optional[str]:
    """The one-line message for a collective timeout, or None.

    Args:
        err (BaseException): The exception that ended training.
        timeout_s (float, optional): The configured timeout, used when the
            error does not state it.

    Returns:
        str | None: The message, or None when ``err`` is something else.
    """
    text = str(err)
    if not isinstance(err, RuntimeError) or 'timed out' not in text.lower():
        return None
    collective = _collective(err.__traceback__)
    if collective is None and not re.search(r'gloo|nccl|c10d', text, re.I):
        return None
    match = _GLOO_WAIT.search(text)
    if match:
        timeout_s = int(match.group(1)) / 1000
    after = f' after {timeout_s:g} s' if timeout_s is not None else ''
    try:
        from mmengine.dist import get_rank
        rank = f'rank {get_rank()}: '
    except Exception:  # noqa: BLE001 - the rank only decorates the message
        rank = ''
    return (f'{rank}distributed collective {collective or "operation"} '
            f'timed out{after} waiting for the other ranks (one of them '
            f'hung, stopped or died; its own log says why); {TIMEOUT_KEY} '
            'sets this limit in seconds (torch default 1800), e.g. '
            f'--cfg-options {TIMEOUT_KEY}=3600')
