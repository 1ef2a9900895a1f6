// Desktop notifications from the core's events, as NoticeRules decide them; off with the
// desktopNotifications setting.
import { Notification } from 'electron';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import type { SettingsStore } from '../core/settings.ts';
import { NoticeRules, type Notice } from './notices.ts';

export function startNotifications(events: Pick<EventBus, 'on'>, settings: SettingsStore, log: Logger): () => void {
  const rules = new NoticeRules();
  const show = (n: Notice | null) => {
    if (!n || !settings.get().desktopNotifications || !Notification.isSupported()) return;
    new Notification({ title: n.title, body: n.body, silent: true }).show();
    log.info('APP', `notified: ${n.title}`);
  };
  const offs = [
    events.on('pullProgress', (p) => show(rules.pull(p))),
    events.on('deploymentsChanged', (d) => rules.deployments(d).forEach(show)),
    events.on('healthChanged', (h) => rules.health(h).forEach(show)),
  ];
  return () => offs.forEach((off) => off());
}
