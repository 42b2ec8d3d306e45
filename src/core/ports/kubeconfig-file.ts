/**
 * The kubeconfig file kubectl reads, as `cluster kubeconfig --write` needs it (implemented in
 * src/adapters/kubeconfig-file.ts: kubectl's rule for which file, YAML, an owner-only atomic write).
 */
export interface KubeconfigFilePort {
  /** The file that is read and written (the first of KUBECONFIG, else ~/.kube/config). */
  readonly file: string;
  /**
   * Its parsed document, or undefined when there is no such file. A file that cannot be read or
   * parsed is refused (CurvectlError REFUSED, nothing written), never treated as empty.
   */
  read(): Promise<unknown>;
  /** Replaces it atomically, owner-only (0600, its directory 0700), as kubectl and the AWS CLI do. */
  write(document: Record<string, unknown>): Promise<void>;
}
