"""AtomicCheckpointHook: a complete checkpoint exists after a kill anywhere.

A toy mmengine Runner (a linear model, SGD with momentum) trains in-process.
A "kill" is an exception raised at the k-th file operation of a save (a
half-written file, before a rename, before a removal); after it, the work
dir must still name a complete checkpoint, and resuming from it must end
with the weights of an uninterrupted run.
"""
import os
import os.path as osp
import re
import uuid
from typing import Callable, List, Optional

import pytest
import torch
from mmengine.evaluator import BaseMetric
from mmengine.fileio import LocalBackend
from mmengine.model import BaseModel
from mmengine.registry import METRICS
from mmengine.runner import Runner

from lfcc_mm.engine import (AtomicCheckpointHook, checkpoint_problem,
                            find_resume_checkpoint)
from toy_data import ToyDataset  # tests/test_engine/toy_data.py


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (not even ``except``)."""


class ToyModel(BaseModel):
    """``y = w x + b`` with an L2 loss."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.linear(torch.stack(inputs))
        if mode == 'loss':
            return dict(loss=(out.squeeze(1) -
                              torch.stack(data_samples)).pow(2).mean())
        return [dict(pred=o) for o in out]


@METRICS.register_module(force=True)
class ScriptedMetric(BaseMetric):
    """Reports the next value of ``scores`` at every validation.

    The keys mimic ``SingleTeacherDistillValLoop``: the student's
    ``accuracy/top1`` first, then ``teacher.accuracy/top1`` (always 99).
    """

    def __init__(self, scores: List[float]) -> None:
        super().__init__()
        self.scores = list(scores)

    def process(self, data_batch, data_samples) -> None:
        self.results.append(0)

    def compute_metrics(self, results) -> dict:
        return {'accuracy/top1': self.scores.pop(0),
                'teacher.accuracy/top1': 99.0}


def make_runner(work_dir, max_iters: int = 4,
                resume_from: Optional[str] = None,
                hook_type: str = 'AtomicCheckpointHook', **hook) -> Runner:
    """A toy iteration-based Runner checkpointing every iteration."""
    hook = dict(dict(type=hook_type, interval=1, by_epoch=False,
                     max_keep_ckpts=1), **hook)
    return Runner(
        model=ToyModel(),
        work_dir=str(work_dir),
        experiment_name=f'toy_{uuid.uuid4().hex}',
        train_dataloader=dict(
            dataset=ToyDataset(),
            sampler=dict(type='DefaultSampler', shuffle=True),
            batch_size=2, num_workers=0),
        optim_wrapper=dict(
            optimizer=dict(type='SGD', lr=0.05, momentum=0.9)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(checkpoint=hook),
        randomness=dict(seed=0),
        resume=resume_from is not None,
        load_from=resume_from)


def make_epoch_runner(work_dir, scores: List[float], **hook) -> Runner:
    """A toy epoch-based Runner that validates after every epoch."""
    hook = dict(dict(type='AtomicCheckpointHook', interval=1), **hook)
    loader = dict(dataset=ToyDataset(),
                  sampler=dict(type='DefaultSampler', shuffle=False),
                  batch_size=4, num_workers=0)
    return Runner(
        model=ToyModel(),
        work_dir=str(work_dir),
        experiment_name=f'toy_{uuid.uuid4().hex}',
        train_dataloader=loader,
        val_dataloader=loader,
        val_evaluator=dict(type='ScriptedMetric', scores=scores),
        val_cfg=dict(),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05)),
        train_cfg=dict(by_epoch=True, max_epochs=len(scores)),
        default_hooks=dict(checkpoint=hook),
        randomness=dict(seed=0))


def weights(runner: Runner) -> List[torch.Tensor]:
    return [p.detach().clone() for p in runner.model.parameters()]


class KillAt:
    """Patch the file operations of a save; raise :class:`Killed` at op k.

    Operations, in the order they happen: writing a checkpoint's bytes
    (killed half-way: a torn file), ``os.replace`` and ``os.remove``.
    """

    def __init__(self, monkeypatch, k: int) -> None:
        self.k, self.count, self.log = k, 0, []
        put, replace, remove = LocalBackend.put, os.replace, os.remove

        def tick(what: str) -> bool:
            self.count += 1
            # lfcc_mm.fileio's temp '.NAME.<random>.tmp' logs as 'NAME.tmp'
            self.log.append(re.sub(r' \.(.+)\.\w+\.tmp$', r' \1.tmp', what))
            return self.count == self.k

        def killing_put(backend, obj, filepath):
            if tick(f'put {osp.basename(filepath)}'):
                put(backend, obj[:len(obj) // 2], filepath)
                raise Killed
            put(backend, obj, filepath)

        def killing(func: Callable, name: str) -> Callable:
            def wrapped(src, *args, **kwargs):
                if tick(f'{name} {osp.basename(src)}'):
                    raise Killed
                return func(src, *args, **kwargs)
            return wrapped

        monkeypatch.setattr(LocalBackend, 'put', killing_put)
        monkeypatch.setattr(os, 'replace', killing(replace, 'replace'))
        monkeypatch.setattr(os, 'remove', killing(remove, 'remove'))


def test_save_order_is_write_rename_pointer_then_remove(tmp_path,
                                                       monkeypatch):
    make_runner(tmp_path, max_iters=1).train()
    kills = KillAt(monkeypatch, k=0)  # counts, never kills
    make_runner(tmp_path, max_iters=2,
                resume_from=str(tmp_path / 'iter_1.pth')).train()
    assert kills.log == [
        'put iter_2.pth.tmp', 'replace iter_2.pth.tmp',
        'replace last_checkpoint.tmp', 'remove iter_1.pth']
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['iter_2.pth']
    assert (tmp_path / 'last_checkpoint').read_text() == str(
        tmp_path / 'iter_2.pth')


@pytest.mark.parametrize('k', [1, 2, 3, 4])
def test_kill_at_any_step_of_a_save_then_resume_matches(tmp_path,
                                                        monkeypatch, k):
    reference = make_runner(tmp_path / 'ref')
    reference.train()

    work_dir = tmp_path / 'killed'
    make_runner(work_dir, max_iters=2).train()
    with monkeypatch.context() as patch:
        KillAt(patch, k)
        with pytest.raises(Killed):  # killed while saving iter_3
            make_runner(work_dir, resume_from=str(work_dir / 'iter_2.pth')
                        ).train()
    path, _ = find_resume_checkpoint(str(work_dir))
    assert path is not None, os.listdir(work_dir)
    assert checkpoint_problem(path) is None
    assert osp.basename(path) in ('iter_2.pth', 'iter_3.pth')

    resumed = make_runner(work_dir, resume_from=path)
    resumed.train()
    for a, b in zip(weights(resumed), weights(reference)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    # The resumed run removed what the killed one had left over.
    assert sorted(p.name for p in work_dir.glob('*.pth*')) == ['iter_4.pth']


def test_mmengine_hook_loses_the_only_checkpoint(tmp_path, monkeypatch):
    """Why the hook exists: mmengine removes the old checkpoint first."""
    make_runner(tmp_path, max_iters=2, hook_type='CheckpointHook').train()
    with monkeypatch.context() as patch:
        KillAt(patch, k=2)  # 1: remove iter_2.pth, 2: write iter_3.pth
        with pytest.raises(Killed):
            make_runner(tmp_path, resume_from=str(tmp_path / 'iter_2.pth'),
                        hook_type='CheckpointHook').train()
    assert find_resume_checkpoint(str(tmp_path))[0] is None


def test_keeps_max_keep_ckpts_and_best_by_the_student_metric(tmp_path,
                                                           monkeypatch):
    kills = KillAt(monkeypatch, k=0)
    runner = make_epoch_runner(tmp_path, [50.0, 80.0, 70.0, 90.0],
                               max_keep_ckpts=2, save_best='auto')
    runner.train()
    hook = next(h for h in runner.hooks
                if isinstance(h, AtomicCheckpointHook))
    # 'auto' takes the first metric: the student's, not the teacher's 99.
    assert hook.key_indicators == ['accuracy/top1']
    assert runner.message_hub.get_info('best_score') == 90.0
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == [
        'best_accuracy_top1_epoch_4.pth', 'epoch_3.pth', 'epoch_4.pth']
    assert not list(tmp_path.glob('*.tmp'))
    # The previous best is removed only after the new best is in place.
    log = kills.log
    assert log.index('replace best_accuracy_top1_epoch_2.pth.tmp') < \
        log.index('remove best_accuracy_top1_epoch_1.pth')
    assert log.index('replace best_accuracy_top1_epoch_4.pth.tmp') < \
        log.index('remove best_accuracy_top1_epoch_2.pth')
    best = torch.load(tmp_path / 'best_accuracy_top1_epoch_4.pth',
                      map_location='cpu')
    assert 'optimizer' not in best
    latest = torch.load(tmp_path / 'epoch_4.pth', map_location='cpu')
    assert latest['message_hub']['runtime_info']['best_ckpt'] == str(
        tmp_path / 'best_accuracy_top1_epoch_4.pth')


def test_kill_before_removing_previous_best_keeps_both(tmp_path,
                                                       monkeypatch):
    with monkeypatch.context() as patch:  # count the operations
        kills = KillAt(patch, k=10 ** 6)
        runner = make_epoch_runner(tmp_path / 'probe', [50.0, 80.0],
                                   save_best='auto')
        runner.train()
        k = kills.log.index('remove best_accuracy_top1_epoch_1.pth') + 1
    work_dir = tmp_path / 'killed'
    with monkeypatch.context() as patch:
        KillAt(patch, k)
        with pytest.raises(Killed):
            make_epoch_runner(work_dir, [50.0, 80.0],
                              save_best='auto').train()
    names = sorted(p.name for p in work_dir.glob('*.pth'))
    assert 'best_accuracy_top1_epoch_2.pth' in names
    assert checkpoint_problem(
        str(work_dir / 'best_accuracy_top1_epoch_2.pth')) is None
