"""Learning: enrollment, progress, quizzes, the credit ledger, certificates, offline
sessions, feedback, and the cadre's pages (my learning, the learning part of the course
and lesson pages). Imports people, courses and search; never assessments or the API."""
