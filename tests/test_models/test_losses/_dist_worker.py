"""Worker for test_lfcc_loss_dist.py: one rank of a 2-process gloo run.

It runs every case in the data file (one process start for all of them)."""
import sys

import torch
import torch.distributed as dist

from lfcc_mm.models.losses import LFCCLoss


def main(rank: int, world: int, init_file: str, data_file: str,
         out_file: str) -> None:
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world)
    results = []
    for case in torch.load(data_file):
        sizes = case['sizes']
        start = sum(sizes[:rank])
        rows = slice(start, start + sizes[rank])
        s = case['s'][rows].clone().requires_grad_()
        t = case['t'][rows].clone().requires_grad_()
        loss = LFCCLoss(tau=0.2, symmetric=case['symmetric'])(s, t)
        loss.backward()
        results.append(dict(loss=loss.detach(), gs=s.grad, gt=t.grad))
    torch.save(results, out_file)
    dist.destroy_process_group()


if __name__ == '__main__':
    main(int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:])
