"""The security-check runner tells clean, vulnerable and not audited apart (offline: canned tool outputs).

The checks themselves run in CI with `python -m tests.reliability.security_checks` (see its docstring); here
only the verdicts are tested, including the case that made the runner necessary: pip-audit printing "No known
vulnerabilities found" and exiting 0 after auditing nothing.
"""

import json

from tests.reliability import security_checks as sc

SKIPPED = {"name": "boto3", "skip_reason": "Dependency not found on PyPI and could not be audited: boto3 (1.44.8)"}


def test_pip_audit_that_audited_nothing_is_not_a_clean_result() -> None:
    verdict = sc.pip_audit_verdict("requirements.lock", {"dependencies": [SKIPPED, SKIPPED], "fixes": []})
    assert verdict.status == sc.UNAUDITED and "2 of 2 packages could not be audited" in verdict.summary


def test_pip_audit_findings_and_clean_results() -> None:
    vulnerable = {"name": "jinja2", "version": "2.4.1", "vulns": [{"id": "PYSEC-2014-8", "fix_versions": ["2.7.2"]}]}
    clean = {"name": "rich", "version": "15.0.0", "vulns": []}
    found = sc.pip_audit_verdict("x", {"dependencies": [vulnerable, clean, SKIPPED]})
    assert found.status == sc.FOUND and found.details == ("jinja2 2.4.1: PYSEC-2014-8",)
    assert sc.pip_audit_verdict("x", {"dependencies": [clean]}).status == sc.CLEAN


def test_npm_audit_error_document_is_unreachable_not_clean() -> None:
    # What `npm audit --json` printed here: the registry refuses the advisory POST.
    error = {
        "message": "405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk",
        "method": "POST",
        "statusCode": 405,
        "error": {"summary": "", "detail": ""},
    }
    assert sc.npm_audit_verdict(error).status == sc.UNAUDITED
    report = {
        "vulnerabilities": {"ws": {"severity": "high"}},
        "metadata": {"vulnerabilities": {"high": 1, "total": 1}, "dependencies": {"total": 42}},
    }
    assert sc.npm_audit_verdict(report).status == sc.FOUND
    clean = {"vulnerabilities": {}, "metadata": {"vulnerabilities": {"total": 0}, "dependencies": {"total": 42}}}
    assert sc.npm_audit_verdict(clean).status == sc.CLEAN


def test_only_reviewed_baseline_entries_silence_a_secret_finding() -> None:
    item = {"type": "Secret Keyword", "hashed_secret": "abc", "line_number": 3}
    scan = {"results": {"a.py": [item], "b.py": [{**item, "hashed_secret": "def"}]}}
    baseline = {"results": {"a.py": [{**item, "is_secret": False}], "b.py": [{**item, "hashed_secret": "def"}]}}
    assert sc.unreviewed_secrets(scan, baseline) == ["b.py:3: Secret Keyword"]  # in the baseline but not reviewed


def test_the_committed_baseline_holds_only_reviewed_entries() -> None:
    baseline = json.loads(sc.BASELINE.read_text())
    entries = [item for items in baseline["results"].values() for item in items]
    assert entries and all(item["is_secret"] is False for item in entries)


def test_maven_audit_says_which_sources_are_unreachable() -> None:
    verdict = sc.check_maven(probe=lambda url: "Name or service not known")
    assert verdict.status == sc.UNAUDITED and "NVD API" in verdict.summary
    assert "dependency-check" in sc.check_maven(probe=lambda url: None).summary


def test_exit_codes_keep_vulnerable_and_unaudited_apart() -> None:
    clean, found, unaudited = (sc.Verdict("c", status, "") for status in (sc.CLEAN, sc.FOUND, sc.UNAUDITED))
    assert sc.exit_code([clean], allow_unaudited=False) == 0
    assert sc.exit_code([clean, unaudited], allow_unaudited=False) == 3
    assert sc.exit_code([clean, unaudited], allow_unaudited=True) == 0
    assert sc.exit_code([found, unaudited], allow_unaudited=True) == 1
