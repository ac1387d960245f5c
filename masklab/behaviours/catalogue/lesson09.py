"""Lesson 09 (masks in real models): composite, multi-input and nested layers."""
