"""A ``CheckpointHook`` whose checkpoints survive ``kill -9`` at any moment.

mmengine 0.10.7's ``CheckpointHook`` removes the oldest checkpoint *before*
it writes the new one, writes the new one in place (a kill leaves a torn
file under the final name), rewrites ``last_checkpoint`` in place (a kill
leaves it empty) and removes the previous best checkpoint before saving the
new best. With ``max_keep_ckpts=1`` a kill during a save left no checkpoint.

:class:`AtomicCheckpointHook` keeps every option of ``CheckpointHook`` and
orders the steps so that a complete checkpoint always exists:

1. the new checkpoint is written to a temporary file in the same folder,
   fsynced and renamed to ``<name>`` (``os.replace``: atomic on POSIX;
   :func:`lfcc_mm.fileio.atomic_path`);
2. ``last_checkpoint`` is replaced the same way;
3. only then are the checkpoints beyond ``max_keep_ckpts`` (and, for
   ``save_best``, the previous best) removed.

A kill between 2 and 3 leaves one checkpoint too many, never one too few:
the saved ``keep_ckpt_ids`` still lists it, so ``CheckpointHook.before_train``
of the resumed run removes it. A kill between saving a new best checkpoint
and removing the previous one may leave the previous best file behind.
Left-over temporary files of a killed save are removed when training
starts. Non-local backends (``out_dir`` on an object store, whose uploads
are atomic already) keep mmengine's behaviour.
"""
from __future__ import annotations

import os
import os.path as osp
from collections import deque
from typing import Dict, List, Optional

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook
from mmengine.registry import HOOKS

from lfcc_mm.fileio import atomic_path, stale_temp_files, write_text_atomic


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """``CheckpointHook`` that writes completely before it removes anything.

    Takes exactly the arguments of :class:`mmengine.hooks.CheckpointHook`
    (``interval``, ``by_epoch``, ``max_keep_ckpts``, ``save_best``, ...);
    only the order of the file operations differs (see the module doc).

    Examples:
        >>> default_hooks = dict(checkpoint=dict(
        ...     type='AtomicCheckpointHook', interval=1, max_keep_ckpts=3,
        ...     save_best='auto'))
    """

    def before_train(self, runner) -> None:
        """Resolve ``out_dir``, drop stale ``*.tmp`` files, restore state."""
        super().before_train(runner)
        if self._is_local() and is_main_process():
            for tmp in stale_temp_files(self.out_dir, '*.pth'):
                os.remove(tmp)
                runner.logger.info(f'Removed {tmp}, the unfinished save of '
                                   'an interrupted run.')
            for tmp in stale_temp_files(runner.work_dir, 'last_checkpoint'):
                os.remove(tmp)

    def _is_local(self) -> bool:
        """Whether checkpoints go to the local file system."""
        backend = getattr(self.file_backend, 'client', self.file_backend)
        return isinstance(backend, LocalBackend)

    def _remove(self, path: str) -> bool:
        """Remove the checkpoint ``path`` (main process only)."""
        if not is_main_process():
            return False
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)
        elif self.file_backend.isdir(path):  # deepspeed checkpoints
            self.file_backend.rmtree(path)
        else:
            return False
        return True

    def _save_complete(self, runner, filename: str, **kwargs) -> None:
        """``runner.save_checkpoint`` to ``out_dir/filename``, atomically.

        Args:
            runner (Runner): The runner.
            filename (str): The final file name.
            **kwargs: ``save_optimizer``, ``save_param_scheduler``, ``meta``,
                ``by_epoch`` of ``Runner.save_checkpoint``.
        """
        def save(name: str) -> None:
            runner.save_checkpoint(
                self.out_dir,
                name,
                self.file_client_args,
                backend_args=self.backend_args,
                **kwargs)

        # Runner.save_checkpoint writes on rank 0 only.
        if self._is_local() and is_main_process():
            with atomic_path(osp.join(self.out_dir, filename)) as tmp:
                save(osp.basename(tmp))
        else:
            save(filename)

    def _save_checkpoint_with_step(self, runner, step: int,
                                   meta: dict) -> None:
        """Save the checkpoint of ``step``, then drop the outdated ones."""
        stale: List[int] = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and
                                            self.keep_ckpt_ids[-1] == step):
            ids = [*self.keep_ckpt_ids, step]
            stale = ids[:-self.max_keep_ckpts]
            # Saved with the ids still to be removed: a run killed before
            # they are gone removes them in before_train when it resumes.
            runner.message_hub.update_info('keep_ckpt_ids', ids)
            self.keep_ckpt_ids = deque(ids[-self.max_keep_ckpts:],
                                       self.max_keep_ckpts)

        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir,
                                                     ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        self._save_complete(
            runner,
            ckpt_filename,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            **self.args)
        if is_main_process():
            write_text_atomic(
                osp.join(runner.work_dir, 'last_checkpoint'),
                self.last_ckpt)  # type: ignore[arg-type]

        if stale:
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))
            for old in stale:
                if old != step:
                    self._remove(
                        self.file_backend.join_path(
                            self.out_dir, self.filename_tmpl.format(old)))

    def _save_best_checkpoint(self, runner, metrics: Dict[str, float]) -> None:
        """Save a new best checkpoint, then remove the previous best.

        Same bookkeeping as ``CheckpointHook._save_best_checkpoint`` (the
        ``message_hub`` keys ``best_score``/``best_ckpt``, or their
        ``_<metric>`` variants for several metrics); the previous best is
        removed after the new one and the re-saved latest checkpoint that
        records it are complete.
        """
        if not self.save_best:
            return
        if self.by_epoch:
            ckpt_filename = self.filename_tmpl.format(runner.epoch)
            cur_type, cur_time = 'epoch', runner.epoch
        else:
            ckpt_filename = self.filename_tmpl.format(runner.iter)
            cur_type, cur_time = 'iter', runner.iter
        meta = dict(epoch=runner.epoch, iter=runner.iter)
        if 'auto' in self.key_indicators:
            self._init_rule(self.rules, [list(metrics.keys())[0]])

        single = len(self.key_indicators) == 1
        replaced: List[str] = []
        updated = False
        for key_indicator, rule in zip(self.key_indicators, self.rules):
            key_score = metrics[key_indicator]
            suffix = '' if single else f'_{key_indicator}'
            best_score = runner.message_hub.get_info(
                f'best_score{suffix}', self.init_value_map[rule])
            if key_score is None or not self.is_better_than[key_indicator](
                    key_score, best_score):
                continue
            updated = True
            runner.message_hub.update_info(f'best_score{suffix}', key_score)

            best_ckpt_name = f'best_{key_indicator}_{ckpt_filename}'.replace(
                '/', '_')
            path = self.file_backend.join_path(self.out_dir, best_ckpt_name)
            previous: Optional[str]
            if single:
                previous, self.best_ckpt_path = self.best_ckpt_path, path
            else:
                previous = self.best_ckpt_path_dict[key_indicator]
                self.best_ckpt_path_dict[key_indicator] = path
            runner.message_hub.update_info(f'best_ckpt{suffix}', path)
            self._save_complete(
                runner,
                best_ckpt_name,
                save_optimizer=False,
                save_param_scheduler=False,
                meta=meta,
                by_epoch=False)
            runner.logger.info(
                f'The best checkpoint with {key_score:0.4f} {key_indicator} '
                f'at {cur_time} {cur_type} is saved to {best_ckpt_name}.')
            if previous and previous != path:
                replaced.append(previous)

        # Re-save the latest checkpoint so that a resumed run knows the new
        # best score and file (as CheckpointHook does), then remove the old.
        if updated and self.last_ckpt is not None:
            self._save_checkpoint_with_step(runner, cur_time, meta)
        for previous in replaced:
            if self._remove(previous):
                runner.logger.info(
                    f'The previous best checkpoint {previous} is removed')
