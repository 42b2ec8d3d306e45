eval "$(python3 -c "
import json,shlex; d=json.load(open('/tmp/ws15.json'))
print('cd '+shlex.quote(d['dir']))
print('EP='+shlex.quote(d['endpoint']))
for k,v in d['env'].items():
  if k.startswith('AWS_') or k.startswith('TF_') or k in ('NO_COLOR','CHECKPOINT_DISABLE'): print('export %s=%s'%(k,shlex.quote(v)))
")"
ZID=$(/usr/bin/aws route53 list-hosted-zones-by-name --dns-name example.test --endpoint-url $EP --query 'HostedZones[0].Id' --output text)
for i in $(seq $1); do
  a=$( { /usr/bin/time -f %e /usr/bin/aws route53 list-resource-record-sets --hosted-zone-id $ZID --endpoint-url $EP >/dev/null; } 2>&1 )
  s=$( { /usr/bin/time -f %e ${NODE:-node} /work/wt/issue-15/bin/curvectl.js status >/dev/null; } 2>&1 )
  n=$( { /usr/bin/time -f %e ${NODE:-node} -e '' >/dev/null; } 2>&1 )
  echo "aws $a status $s node $n"
done
