#!/usr/bin/env python3
"""Checks that README.md and every page under docs/ point at things that exist.

- every relative Markdown link ([text](path), [text](path#anchor), [text](#anchor)) names a
  file or directory of the repository, and its anchor a heading of that page (GitHub's slugs);
- every repository path the text mentions (Sources/..., scripts/..., deploy/..., docs/...,
  Tests/..., conf-templates/..., and the top-level files) exists; a `*` in one is a glob;
- every block marked `<!-- systemd-install:NAME -->` in README.md is the same as the block
  with that marker in docs/guide/systemd.md (scripts/systemd-test.sh runs the guide's).

Usage: scripts/docs/check_links.py [FILE.md ...] (default: README.md and docs/**/*.md), run
from the repository's root. Prints one line per broken reference, FILE:LINE: what; exits 1
when there is any, 0 otherwise.
"""
import glob
import os
import re
import sys

LINK = re.compile(r'\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)\)')
PATH = re.compile(r'(?<![\w./-])((?:Sources|Tests|scripts|deploy|docs|conf-templates)/[\w.*+/-]*[\w*/]'
                  r'|(?:README\.md|Dockerfile|Package\.swift|docker-compose(?:\.nts)?\.yaml)(?![\w.-]))')
HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')
MARKER = re.compile(r'^<!-- systemd-install:([\w-]+) -->$')


def slug(heading):
    """GitHub's anchor for a heading: lower case, markup and punctuation dropped, spaces to -."""
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', heading)   # a link keeps its text
    text = text.lower().replace('`', '')
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')


def anchors(path, cache={}):
    if path not in cache:
        seen, found, fence = {}, set(), False
        with open(path, encoding='utf-8') as f:
            for line in f:
                if line.startswith('```'):
                    fence = not fence
                m = None if fence else HEADING.match(line)
                if m:
                    s = slug(m.group(2))
                    n = seen.get(s, 0)
                    seen[s] = n + 1
                    found.add(s if n == 0 else f'{s}-{n}')
        cache[path] = found
    return cache[path]


def blocks(path):
    """The fenced block after each systemd-install marker of a page."""
    found, name, inside, lines = {}, None, False, []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            m = MARKER.match(line)
            if m:
                name, inside, lines = m.group(1), False, []
            elif name and line.startswith('```'):
                if inside:
                    found[name], name = '\n'.join(lines), None
                inside = True
            elif name and inside:
                lines.append(line)
    return found


def check(page):
    problems = []
    base = os.path.dirname(page)
    fence = False
    with open(page, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if line.startswith('```'):
                fence = not fence
            where = f'{page}:{number}'
            if not fence:
                for target in LINK.findall(line):
                    if re.match(r'[a-z][a-z0-9+.-]*:', target):
                        continue                       # http:, https:, mailto: …
                    path, _, anchor = target.partition('#')
                    resolved = os.path.normpath(os.path.join(base, path)) if path else page
                    if not os.path.exists(resolved):
                        problems.append(f'{where}: link to {target}: no {resolved}')
                    elif anchor and resolved.endswith('.md') and anchor not in anchors(resolved):
                        problems.append(f'{where}: link to {target}: {resolved} has no heading #{anchor}')
            for path in PATH.findall(line):
                path = path.rstrip('.')
                if path.startswith('deploy/chronyvisor-'):
                    continue                           # kubectl's deploy/NAME, a Deployment
                if not (glob.glob(path) if '*' in path else os.path.exists(path)):
                    problems.append(f'{where}: names {path}, which does not exist')
    return problems


def main(argv):
    pages = argv or ['README.md'] + sorted(glob.glob('docs/**/*.md', recursive=True))
    problems = []
    for page in pages:
        problems += check(page)
    if os.path.exists('README.md') and os.path.exists('docs/guide/systemd.md'):
        guide = blocks('docs/guide/systemd.md')
        for name, text in blocks('README.md').items():
            if guide.get(name) != text:
                problems.append(f'README.md: the systemd-install:{name} block differs from docs/guide/systemd.md\'s')
    for p in problems:
        print(p)
    print(f'check_links: {len(pages)} pages, {len(problems)} broken reference(s)', file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
