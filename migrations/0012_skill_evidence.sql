-- A skill signal says how it was found and which words show it (issue 14). `basis`:
-- 'stated' by a person (added by hand), or found by analysis: 'named' when the work log
-- names the skill, 'inferred' when it is read from the work described or implied by a
-- named skill. `evidence_spans`: where in `evidence` those words are, as
-- [{"text", "start", "end"}] with evidence[start:end] = text (character offsets), so a
-- client can highlight them. src/vocabulary/worklog.ts holds the bases (SIGNAL_BASES).

ALTER TABLE worklog_skill_signal
  ADD COLUMN basis text NOT NULL DEFAULT 'stated' CHECK (basis IN ('stated', 'named', 'inferred')),
  ADD COLUMN evidence_spans jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(evidence_spans) = 'array');

-- Before this migration analysis recorded neither; what it suggested were, with few
-- exceptions (languages implied by a framework), names found in the text.
UPDATE worklog_skill_signal SET basis = 'named' WHERE source <> 'manual';

COMMENT ON COLUMN worklog_skill_signal.basis IS 'How the skill was found: stated (by a person), named (the work log names it) or inferred (from the work described, or implied by a named skill).';
COMMENT ON COLUMN worklog_skill_signal.evidence_spans IS 'The words in evidence that show the skill: [{"text", "start", "end"}], evidence[start:end] = text.';
