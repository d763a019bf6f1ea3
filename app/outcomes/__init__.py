"""Case outcomes (keyworker proposes, supervisor decides), surveys and reoffending checks."""
