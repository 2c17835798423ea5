"""Models of the distribution module."""

from distribution.models.runs import Allocation, Payee, Route, Run, RunStatus, RunWeight

__all__ = ["Allocation", "Payee", "Route", "Run", "RunStatus", "RunWeight"]
