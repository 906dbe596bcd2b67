"""Qt item models over the analysis layer's DataFrames."""

from .frame_model import Column, FrameModel, RawRole, StatusRole

__all__ = ["Column", "FrameModel", "RawRole", "StatusRole"]
