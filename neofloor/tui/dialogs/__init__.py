"""Small modal questions: who is signing in, which station, a reason, which car."""
