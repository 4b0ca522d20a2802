"""Targeting (the administrators' side, not built yet): roster import, audiences by rank,
gender, post and department, assignment campaigns with due dates, and reminders."""
