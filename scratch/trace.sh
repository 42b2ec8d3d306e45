eval "$(python3 -c "
import json,shlex; d=json.load(open('/tmp/ws15.json'))
print('cd '+shlex.quote(d['dir']))
for k,v in d['env'].items():
  if k.startswith('AWS_') or k.startswith('TF_') or k in ('NO_COLOR','CHECKPOINT_DISABLE'): print('export %s=%s'%(k,shlex.quote(v)))
")"
node --import /work/wt/issue-15/test/_helpers/module-trace.mjs /work/wt/issue-15/bin/curvectl.js "$@" 3>/tmp/trace15.json >/dev/null 2>&1
