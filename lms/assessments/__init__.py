"""Assessments: instruments as data, pure scoring and the severity ladder, consent, the
encrypted record and profile, follow-ups, the counsellor's worklist, the audit log, data
rights and the privacy registry. Health information: see records.py for who may read it."""
