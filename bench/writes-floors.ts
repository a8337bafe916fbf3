// The plain git each write command is measured against (bench/writes.ts): the command sequence a person would
// type to do the same work on the same realm, as shell scripts run with `sh -e`. They work on their own bare
// copy of the realm (`floor.git`, the same history), so their pushes never change what blue reads; their files
// are written with printf (the content is not git's work). Variables: N (the iteration), W (a scratch path),
// APERTURE and FUNGAL (the member repos), REPO (a new repo that joins).
export const FLOORS = {
  join: `git fetch -q origin
git merge -q --ff-only origin/main
printf 'name: floor-%s\\nmaintainers: [bench@example.com]\\njoined_at: 2026-11-30T12:00:00Z\\n' "$N" > repos/floor-$N.yaml
git add repos/floor-$N.yaml
git commit -q -m "floor-$N joins the realm"
git push -q origin HEAD:main
mkdir -p "$REPO/.blue"
printf 'realm:\\n  name: bench\\nrepo: floor-%s\\n' "$N" > "$REPO/.blue/config.yaml"
`,
  domain: `git fetch -q origin
git merge -q --ff-only origin/main
mkdir -p domains/fd-$N/contracts domains/fd-$N/bindings
printf 'name: fd-%s\\nmembers: [aperture, fungal]\\n' "$N" > domains/fd-$N/domain.yaml
printf 'name: fc-%s\\nversion: 1.0.0\\nowner: aperture\\nschema: {}\\nvalue: {}\\n' "$N" > domains/fd-$N/contracts/fc-$N.yaml
printf 'repo: aperture\\nrole: provider\\nexports:\\n  - contract: fc-%s\\n' "$N" > domains/fd-$N/bindings/aperture.yaml
printf 'repo: fungal\\nrole: consumer\\nimports:\\n  - contract: fc-%s\\n    version: ">=1.0.0 <2.0.0"\\n' "$N" > domains/fd-$N/bindings/fungal.yaml
git add domains/fd-$N
git commit -q -m "domain fd-$N"
git push -q origin HEAD:main
`,
  // The issue's own sequence: fetch, worktree add -b on origin/main, write, commit, push, worktree remove.
  provider: `git fetch -q --prune origin
git worktree add -q -b floor/prov-$N "$W" origin/main
cd "$W"
printf '# change %s\\n' "$N" >> domains/s3-access/contracts/s3-permissions.yaml
git commit -q -am "aperture: s3-permissions"
git push -q origin HEAD:refs/heads/floor/prov-$N
cd - >/dev/null
git worktree remove --force "$W"
`,
  // The acknowledgement on the provider's branch, then both merged into main (one push) and deleted.
  ack: `git fetch -q --prune origin
git worktree add -q --detach "$W" origin/floor/prov-$N
cd "$W"
printf '# ack %s\\n' "$N" >> domains/s3-access/bindings/fungal.yaml
git commit -q -am "fungal acknowledges"
git push -q origin HEAD:refs/heads/floor/ack-$N
ACK=$(git rev-parse HEAD)
git checkout -q --detach origin/main
git merge -q --no-ff -m "Merge floor/prov-$N" origin/floor/prov-$N
git merge -q --no-ff -m "Merge floor/ack-$N" $ACK
git push -q origin HEAD:main
git push -q origin --delete floor/prov-$N floor/ack-$N
cd - >/dev/null
git worktree remove --force "$W"
git fetch -q --prune origin
`,
  insync: `git fetch -q --prune origin
`,
  worktree: `for r in "$APERTURE" "$FUNGAL"; do
  cd "$r"
  grep -qx '/.worktrees/' .git/info/exclude || echo '/.worktrees/' >> .git/info/exclude
  git worktree add -q -b feat/floor-$N .worktrees/feat-floor-$N
done
`,
  pr: `for r in "$APERTURE" "$FUNGAL"; do
  cd "$r"
  git push -q -u origin feat/floor-$N
done
`,
} as const;

export type FloorName = keyof typeof FLOORS;
