// Desktop notifications: the core's `notice` events (main/core/notices.ts decides them), off
// with the desktopNotifications setting.
import { Notification } from 'electron';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import type { SettingsStore } from '../core/settings.ts';

export function startNotifications(events: Pick<EventBus, 'on'>, settings: SettingsStore, log: Logger): () => void {
  return events.on('notice', (n) => {
    if (!settings.get().desktopNotifications || !Notification.isSupported()) return;
    new Notification({ title: n.title, body: n.body, silent: n.level === 'info' }).show();
    log.info('APP', `notified: ${n.title}`);
  });
}
