#!/usr/bin/env python3
"""Checks the desktop app's translations (translations/switchboard_*.ts, or the files given).

Fails (exit status 1) when a message has no translation (empty, or type="unfinished"), when a
translation's %-placeholders (%1..%99, %L1, %n, %Ln) differ from its source's, when a source's
keyboard accelerator (&X) is missing from the translation, when the numbers of HTML tags or line
breaks differ, or when a file is not well-formed XML. Obsolete and vanished entries are ignored.

Usage: scripts/check-translations.py [file.ts ...]
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter

PLACEHOLDER = re.compile(r'%L?(?:n|[1-9][0-9]?)')
ACCELERATOR = re.compile(r'(?<!&)&([^&\s])')
TAG = re.compile(r'</?[A-Za-z][^<>]*>')


def placeholders(text):
    return Counter(PLACEHOLDER.findall(text))


def accelerators(text):
    return sorted(a.lower() for a in ACCELERATOR.findall(text.replace('&&', '')))


def tags(text):
    return Counter(t.lower().replace(' ', '') for t in TAG.findall(text))


def check_file(path):
    problems = []
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        return [f'{path}: cannot read: {e}'], 0
    count = 0
    for context in root.iter('context'):
        cname = context.findtext('name') or ''
        for message in context.iter('message'):
            source = message.findtext('source') or ''
            translation = message.find('translation')
            kind = translation.get('type') if translation is not None else None
            if kind in ('obsolete', 'vanished'):
                continue
            count += 1
            where = f'{path}: [{cname}] {source!r}'
            if translation is None or kind == 'unfinished':
                problems.append(f'{where}: not translated')
                continue
            if message.get('numerus') == 'yes':
                forms = [f.text or '' for f in translation.findall('numerusform')]
            else:
                forms = [translation.text or '']
            if not forms or any(not f.strip() for f in forms):
                problems.append(f'{where}: empty translation')
                continue
            for text in forms:
                if placeholders(text) != placeholders(source):
                    problems.append(f'{where}: placeholders {sorted(placeholders(text).elements())} '
                                    f'differ from the source\'s {sorted(placeholders(source).elements())} in {text!r}')
                if accelerators(text) != accelerators(source):
                    problems.append(f'{where}: accelerator {accelerators(text)} differs from the source\'s '
                                    f'{accelerators(source)} in {text!r}')
                if tags(text) != tags(source):
                    problems.append(f'{where}: HTML tags differ in {text!r}')
                if text.count('\n') != source.count('\n'):
                    problems.append(f'{where}: line breaks differ in {text!r}')
    return problems, count


def main(argv):
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    files = argv[1:] or sorted(glob.glob(os.path.join(root, 'translations', 'switchboard_*.ts')))
    if not files:
        print('check-translations: no .ts files found', file=sys.stderr)
        return 1
    failed = False
    for path in files:
        problems, count = check_file(path)
        for p in problems:
            print(p, file=sys.stderr)
        print(f'{os.path.relpath(path, root)}: {count} messages, {len(problems)} problems')
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
