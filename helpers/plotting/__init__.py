"""Figures of the course, grouped by topic, all in one style (``helpers.plotting.style``).

- ``style``: ``COLORS`` (one colour per meaning), ``use_course_style()``, ``course_style()``;
- ``images``: image grids, the pipeline inspector, original/augmented pairs, nearest vs bilinear, predicted digits;
- ``values``: value histograms, per-pixel statistics, training runs, loss contours (notebook 03);
- ``learning``: learning curves, power-law fits, augmentation worth, accuracy vs angle (01, 04).

Every helper draws only (the numbers come from the other modules): a ``plot_*``/``show_*`` helper returns its
figure, a ``draw_*`` one draws on axes or a region it is given (the static figures and the explorers share them).
"""

from helpers.plotting.images import (
    draw_predicted_digits,
    show_augmented_pairs,
    show_images,
    show_nearest_vs_bilinear,
    show_pipeline_steps,
    to_display,
)
from helpers.plotting.learning import (
    plot_accuracy_vs_angle,
    plot_augmentation_curves,
    plot_learning_curves,
    plot_power_law,
    plot_worth_examples,
)
from helpers.plotting.style import COLORS, color_for, course_style, use_course_style
from helpers.plotting.values import plot_loss_contours, plot_pixel_statistics, plot_training_runs, plot_value_histograms

__all__ = ["color_for", "COLORS", "course_style", "draw_predicted_digits", "plot_accuracy_vs_angle",
           "plot_augmentation_curves", "plot_learning_curves", "plot_loss_contours", "plot_pixel_statistics",
           "plot_power_law", "plot_training_runs", "plot_value_histograms", "plot_worth_examples",
           "show_augmented_pairs", "show_images", "show_nearest_vs_bilinear", "show_pipeline_steps", "to_display",
           "use_course_style"]
