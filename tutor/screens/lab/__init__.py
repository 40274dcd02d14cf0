"""The Lab: train a network and watch it learn (screen.py), with its refresh pacing
(pacing.py), its status line (status.py) and the one-input data picture (fit_curve.py).
Its CSS is in tutor/tutor.tcss."""
from tutor.screens.lab.screen import LabScreen

__all__ = ["LabScreen"]
