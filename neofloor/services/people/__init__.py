"""People and trust: who may do what (permissions), who is signed in (auth, PINs, lockout),
what they did (the audit trail), certifications, and the hash chains that make tampering show.
"""
