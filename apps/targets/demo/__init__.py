"""Demo data of the targets app: the year of SMART targets (`targets`), then last month's appraisal
cycle scored from them (`appraisals`)."""

from .appraisals import seed_appraisals
from .targets import seed_targets

__all__ = ["seed_appraisals", "seed_targets"]
