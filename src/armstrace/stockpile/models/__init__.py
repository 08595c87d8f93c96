"""Stockpile models: where things are, how they move, how they are counted, kept safe and destroyed."""

from .disposal import Destruction, DestructionLine, DisposalDecision
from .movements import MovementKind, StockMovement
from .safety import Exposure, SecurityAssessment, StoreAccess
from .sites import Site, StorageUnit
from .stocktakes import CountEntry, Stocktake
from .transfers import Discrepancy, Transfer, TransferLine

__all__ = [
    "CountEntry", "Destruction", "DestructionLine", "Discrepancy", "DisposalDecision", "Exposure", "MovementKind",
    "SecurityAssessment", "Site", "StoreAccess", "StockMovement", "Stocktake", "StorageUnit", "Transfer",
    "TransferLine",
]
