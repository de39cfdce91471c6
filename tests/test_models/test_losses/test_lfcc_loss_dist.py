"""Two gloo processes must reproduce the single-process loss on the whole
batch: same loss (mean over ranks) and, after DDP's gradient averaging, the
same gradients."""
import os
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

from lfcc_mm.models.losses import LFCCLoss, gather_with_grad

WORKER = os.path.join(os.path.dirname(__file__), '_dist_worker.py')
CASES = [(False, [3, 3]), (True, [3, 3]), (False, [4, 2]), (True, [1, 3])]


@pytest.fixture(scope='module')
def two_rank_results(tmp_path_factory):
    """Run every case once on 2 gloo ranks; return (cases, per-rank outputs)."""
    tmp = tmp_path_factory.mktemp('dist')
    g = torch.Generator().manual_seed(0)
    cases = []
    for symmetric, sizes in CASES:
        n = sum(sizes)
        s, t = (F.normalize(torch.randn(n, 2, 6, generator=g,
                                        dtype=torch.float64), dim=-1)
                for _ in range(2))
        cases.append(dict(s=s, t=t, sizes=sizes, symmetric=symmetric))
    torch.save(cases, tmp / 'data.pt')
    env = dict(os.environ, OMP_NUM_THREADS='1')
    procs = [
        subprocess.Popen([sys.executable, WORKER, str(r), '2',
                          str(tmp / 'init'), str(tmp / 'data.pt'),
                          str(tmp / f'out{r}.pt')], env=env)
        for r in range(2)
    ]
    assert [p.wait(timeout=180) for p in procs] == [0, 0]
    outs = [torch.load(tmp / f'out{r}.pt') for r in range(2)]
    return cases, outs


@pytest.mark.slow
@pytest.mark.parametrize('index', range(len(CASES)),
                         ids=[f'sym={c[0]}-sizes={c[1]}' for c in CASES])
def test_two_processes_match_one_process(two_rank_results, index):
    cases, outs = two_rank_results
    case = cases[index]
    s, t, sizes, symmetric = case['s'], case['t'], case['sizes'], case[
        'symmetric']
    ranks = [o[index] for o in outs]

    # The DDP objective is the mean over ranks of each rank's loss, where a
    # rank's anchors are its own rows and the candidates are all rows.
    s1, t1 = s.clone().requires_grad_(), t.clone().requires_grad_()
    scale = torch.tensor(1 / 0.2, dtype=torch.float64)
    per_rank = []
    start = 0
    for n_r in sizes:
        rows = slice(start, start + n_r)
        target = torch.arange(start, start + n_r)
        loss_r = LFCCLoss._info_nce(s1[rows], t1, target, scale)
        if symmetric:
            loss_r = (loss_r + LFCCLoss._info_nce(t1[rows], s1, target,
                                                  scale)) / 2
        per_rank.append(loss_r)
        start += n_r
    objective = sum(per_rank) / len(sizes)
    objective.backward()

    for r, expected in zip(ranks, per_rank):
        torch.testing.assert_close(r['loss'], expected.detach())
    if sizes[0] == sizes[1]:  # then it is exactly the single-process loss
        single = LFCCLoss(tau=0.2, symmetric=symmetric)(s, t)
        torch.testing.assert_close(objective.detach(), single)
    # Each rank holds d(sum of rank losses)/d(its rows); DDP divides by the
    # world size.
    torch.testing.assert_close(torch.cat([r['gs'] for r in ranks]) / 2,
                               s1.grad)
    torch.testing.assert_close(torch.cat([r['gt'] for r in ranks]) / 2,
                               t1.grad)


def test_one_process_gathers_nothing():
    """Outside a distributed run mmengine's world size is 1: no collective,
    the local rows themselves at offset 0, gradients untouched."""
    x = torch.randn(3, 2, 4, requires_grad=True)
    x_all, offset = gather_with_grad(x)
    assert x_all is x and offset == 0
