"""Arithmetic on temporal values and durations; NotImplemented tells the caller the operands are not temporal."""
from __future__ import annotations


def add_temporal(a: object, b: object) -> object:
    return NotImplemented


def subtract_temporal(a: object, b: object) -> object:
    return NotImplemented


def multiply_temporal(a: object, b: object) -> object:
    return NotImplemented


def divide_temporal(a: object, b: object) -> object:
    return NotImplemented
