"""Build one complete mmengine config: data + model + schedule + runtime."""
from __future__ import annotations

from dataclasses import dataclass

from mmengine.config import Config

from .data import DataSpec


@dataclass(frozen=True)
class Schedule:
    """Optimisation recipe shared by every run of a benchmark.

    AdamW with linear warm-up (first epoch) then cosine decay per iteration,
    the usual recipe of ViT/Mixer students, used for CNNs too so that every
    method and pair sees exactly the same optimisation.

    Args:
        epochs (int): Training epochs (the budget).
        lr (float): Peak learning rate. Defaults to 2e-3.
        weight_decay (float): AdamW weight decay. Defaults to 0.05.
        val_interval (int): Evaluate every N epochs; 0 means only after the
            last epoch. Defaults to 0.
        log_interval (int): Log every N iterations. Defaults to 10.
    """

    epochs: int
    lr: float = 2e-3
    weight_decay: float = 0.05
    val_interval: int = 0
    log_interval: int = 10

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f'epochs must be >= 1, got {self.epochs}')


def build_run_config(data: DataSpec, model: dict, schedule: Schedule,
                     seed: int, work_dir: str) -> Config:
    """The full mmengine config of one training run.

    Args:
        data (DataSpec): Datasets, pipelines, normalisation and loaders.
        model (dict): Model config from :func:`build_method_model` or a
            plain ``ImageClassifier`` (teacher); its ``data_preprocessor``
            is set here from ``data``.
        schedule (Schedule): Budget and optimiser.
        seed (int): Seed of initialisation, sampling and augmentation.
        work_dir (str): Where checkpoints, logs and scalars go.

    Returns:
        mmengine.Config: Ready for ``Runner.from_cfg``.
    """
    model = dict(model, data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor', mean=data.mean, std=data.std,
        to_rgb=data.bgr_to_rgb, num_classes=data.num_classes))
    epochs = schedule.epochs

    def loader(dataset: dict, train: bool) -> dict:
        """A data-loader config over ``dataset``.

        Training drops the incomplete last batch: a last batch of one sample
        has no negatives for a contrastive loss, and a short batch gives its
        samples more weight. Testing keeps every image.
        """
        # No persistent workers: tearing them down when the Runner is freed
        # stalled every run by ~5 s per worker.
        return dict(batch_size=data.batch_size, num_workers=data.num_workers,
                    persistent_workers=False, drop_last=train,
                    sampler=dict(type='DefaultSampler', shuffle=train),
                    dataset=dataset)

    warmup = min(1, epochs - 1)
    param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=True,
                            begin=warmup, end=epochs, T_max=epochs - warmup,
                            eta_min=schedule.lr * 1e-2,
                            convert_to_iter_based=True)]
    if warmup:
        param_scheduler.insert(0, dict(
            type='LinearLR', start_factor=1e-2, by_epoch=True, begin=0,
            end=warmup, convert_to_iter_based=True))
    return Config(dict(
        default_scope='mmrazor',
        custom_imports=dict(imports=['lfcc_mm'], allow_failed_imports=False),
        model=model,
        work_dir=work_dir,
        train_dataloader=loader(data.train, train=True),
        val_dataloader=loader(data.test, train=False),
        val_evaluator=dict(type='mmpretrain.Accuracy', topk=(1, )),
        train_cfg=dict(by_epoch=True, max_epochs=epochs,
                       val_interval=schedule.val_interval or epochs),
        val_cfg=dict(),
        optim_wrapper=dict(optimizer=dict(
            type='AdamW', lr=schedule.lr,
            weight_decay=schedule.weight_decay)),
        param_scheduler=param_scheduler,
        default_hooks=dict(
            timer=dict(type='IterTimerHook'),
            logger=dict(type='LoggerHook', interval=schedule.log_interval),
            param_scheduler=dict(type='ParamSchedulerHook'),
            checkpoint=dict(type='AtomicCheckpointHook', interval=epochs,
                            max_keep_ckpts=1),
            sampler_seed=dict(type='DistSamplerSeedHook')),
        env_cfg=dict(cudnn_benchmark=False,
                     mp_cfg=dict(mp_start_method='fork',
                                 opencv_num_threads=0),
                     dist_cfg=dict(backend='gloo')),
        visualizer=dict(type='Visualizer',
                        vis_backends=[dict(type='LocalVisBackend')]),
        log_processor=dict(by_epoch=True, window_size=schedule.log_interval),
        log_level='INFO',
        load_from=None,
        resume=False,
        randomness=dict(seed=seed, deterministic=False),
        launcher='none',
    ))
