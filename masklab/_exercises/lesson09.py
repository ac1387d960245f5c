"""Lesson 09 (masks in real models): its self-check exercises."""

EXERCISES = []
