// ELBv2 target health, for the target-health gate.

export interface TargetHealth {
  readonly targetGroupArn: string;
  readonly targetId: string;
  /** healthy | unhealthy | initial | draining | unused | unavailable */
  readonly state: string;
  readonly reason?: string;
}

export interface Elbv2Port {
  /** Health of every target of every target group behind the load balancer with this DNS name. */
  targetHealthForLoadBalancer(dnsName: string, signal?: AbortSignal): Promise<TargetHealth[]>;
}
