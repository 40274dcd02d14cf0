"""Compare: one configuration across activations, learning rates and seeds, trained
together and drawn live (screen.py), and the dialog that asks what to vary (setup.py).
Its CSS is in tutor/tutor.tcss."""
from tutor.screens.compare.screen import CompareScreen
from tutor.screens.compare.setup import CompareRequest, CompareSetupScreen

__all__ = ["CompareScreen", "CompareRequest", "CompareSetupScreen"]
