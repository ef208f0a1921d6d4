#!/usr/bin/env python3
"""
Prints each failed test of a .trx file with the head of its message and stack, and the tail of what it wrote to its
output (integration tests echo every process's lines there, prefixed with the process name), so the end of a CI log
shows what the processes said last. scripts/test.sh calls it on failure.
"""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"

# Enough to see the processes' last steps before the failure; the whole output stays in the .trx.
OUTPUT_TAIL = 40


def main(path: str) -> None:
    root = ET.parse(path).getroot()
    failed = [r for r in root.iter(NS + "UnitTestResult") if r.get("outcome") == "Failed"]
    for result in failed:
        print(f"FAILED {result.get('testName')} [{result.get('duration')}]")
        info = result.find(f"{NS}Output/{NS}ErrorInfo")
        for tag, limit in (("Message", 20), ("StackTrace", 8)):
            text = info.findtext(NS + tag) if info is not None else None
            for line in (text or "").strip().splitlines()[:limit]:
                print("    " + line)
        output = (result.findtext(f"{NS}Output/{NS}StdOut") or "").rstrip().splitlines()
        if output:
            shown = output[-OUTPUT_TAIL:]
            print(f"    output, last {len(shown)} of {len(output)} lines:")
            for line in shown:
                print("      " + line)
    print(f"{len(failed)} failed")


if __name__ == "__main__":
    main(sys.argv[1])
