// What an admin changes, as the change history records it and a history is filtered by; the web's page lists them too.
export const ADMIN_CHANGE_KINDS = ['targets', 'sla-policy', 'team-names', 'user', 'token'] as const;
export type AdminChangeKind = (typeof ADMIN_CHANGE_KINDS)[number];
