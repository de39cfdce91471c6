"""Everything a teacher run shares: all training images, 6 epochs.

The students' data pipeline, optimiser and runtime (``student_run.py``),
but every training image (4,500 per class in the default split, not 500)
and the 6-epoch schedule: 13.5x the student's image-steps, so a teacher ends
clearly stronger than the students it teaches (issue 12.3).
"""
_base_ = [
    './datasets/cifar10_folder.py',
    './schedules/adamw_cosine_6e.py',
    './runtime.py',
]
