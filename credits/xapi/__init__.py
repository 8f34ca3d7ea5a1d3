"""Learning records as xAPI statements (``exports``): the ADL video profile for watching, cmi5
for a lesson's completion, ADL verbs for quizzes, classroom attendance and the ledger's
corrections. Documented in docs/xapi.md."""
