import type { DeliveryView, WebhookView } from '../../integrations/webhooks/webhooks.service.js';
import { WEBHOOK_EVENT_TYPES } from '../../integrations/webhooks/event-types.js';
import { ApiError, api, del, get, post } from './api.js';
import { clear, h } from './dom.js';
import type { Text } from './i18n.js';
import { formatTime } from './words.js';

export interface WebhooksContext {
  t: Text;
  stillShown: () => boolean;
  handleError: (err: unknown) => void;
  announce: (message: string) => void;
}

const BASE = '/api/moderation/webhooks';

function showError(line: HTMLElement, ctx: WebhooksContext, err: unknown): void {
  if (err instanceof ApiError && err.status === 401) return ctx.handleError(err);
  line.textContent = ctx.t.failed + (err as Error).message;
}

/** The Webhooks tab (admins): endpoints with their state, their form, and each one's delivery log. */
export async function loadWebhooks(main: HTMLElement, ctx: WebhooksContext, notice?: HTMLElement, openLog?: string): Promise<void> {
  const w = ctx.t.webhooksView;
  try {
    const { items } = await get<{ items: WebhookView[] }>(BASE);
    if (!ctx.stillShown()) return;
    clear(main);
    const error = h('p', { class: 'error', role: 'alert', id: 'webhooks-error' });
    const reload = (message?: HTMLElement, log?: string) => loadWebhooks(main, ctx, message, log);
    const act = async (work: () => Promise<HTMLElement | void>, done: string, log?: string) => {
      try {
        const message = await work();
        ctx.announce(done);
        await reload(message ?? undefined, log);
      } catch (err) {
        showError(error, ctx, err);
      }
    };
    const logArea = h('section', { class: 'webhook-log', 'aria-live': 'polite' });
    main.append(
      h('h2', { id: 'view-title' }, ctx.t.webhooks),
      h('p', { class: 'hint' }, w.intro),
      notice ?? '',
      error,
      items.length === 0
        ? h('p', { class: 'empty' }, w.none)
        : h(
            'table',
            { class: 'log webhooks' },
            h('thead', {}, h('tr', {}, ...[w.endpoint, w.events, w.state, ctx.t.actions].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', {}, ...items.map((hook) => row(hook, ctx, act, (id) => void showLog(logArea, ctx, hook, id)))),
          ),
      logArea,
      form(ctx, null, reload),
    );
    const open = openLog && items.find((hook) => hook.id === openLog);
    if (open) await showLog(logArea, ctx, open, open.id);
  } catch (err) {
    ctx.handleError(err);
  }
}

type Act = (work: () => Promise<HTMLElement | void>, done: string, log?: string) => Promise<void>;

function row(hook: WebhookView, ctx: WebhooksContext, act: Act, openLog: (id: string) => void): HTMLElement {
  const w = ctx.t.webhooksView;
  const name = hook.description ?? hook.url;
  const button = (label: string, action: string, onclick: () => void) => h('button', { type: 'button', 'data-action': action, onclick }, label);
  const state = hook.enabled ? w.on : hook.disabledReason ? w.switchedOff : w.off;
  return h(
    'tr',
    { 'data-webhook': hook.id, 'data-enabled': String(hook.enabled) },
    h('td', {}, hook.description ? h('strong', {}, hook.description) : null, hook.description ? h('br') : null, h('code', { class: 'url' }, hook.url), h('br'), h('small', {}, `${w.secret} ${hook.secret}`, hook.rotating ? ` · ${w.rotating}` : '', hook.format === 'slack' ? ' · Slack' : '')),
    h('td', {}, hook.events.join(', ')),
    h(
      'td',
      { class: 'state' },
      state,
      hook.disabledReason ? h('p', { class: 'reason' }, hook.disabledReason, hook.disabledAt ? ` (${formatTime(hook.disabledAt)})` : '') : null,
      !hook.disabledReason && hook.failures > 0 ? h('p', {}, w.failuresInARow(hook.failures)) : null,
    ),
    h(
      'td',
      { class: 'actions' },
      button(w.deliveries, 'deliveries', () => openLog(hook.id)),
      button(w.sendTest, 'test', () => void act(async () => void (await post(`${BASE}/${hook.id}/test`)), w.testSent(name), hook.id)),
      hook.enabled
        ? button(w.switchOff, 'disable', () => void act(async () => void (await api('PATCH', `${BASE}/${hook.id}`, { enabled: false })), w.switchedOffDone(name)))
        : button(w.switchOn, 'enable', () => void act(async () => void (await api('PATCH', `${BASE}/${hook.id}`, { enabled: true })), w.switchedOnDone(name))),
      button(ctx.t.webhooksView.edit, 'edit', () => {
        const place = document.querySelector<HTMLElement>('form.webhook');
        place?.replaceWith(form(ctx, hook, (message) => loadWebhooks(document.getElementById('main')!, ctx, message)));
        document.querySelector<HTMLInputElement>('form.webhook input[name=url]')?.focus();
      }),
      hook.rotating
        ? button(w.finishRotation, 'finish-rotation', () => void act(async () => void (await post(`${BASE}/${hook.id}/finish-rotation`)), w.rotationFinished(name)))
        : button(w.rotate, 'rotate', () => {
            if (!window.confirm(w.confirmRotate(name))) return;
            void act(async () => oneTimeSecret(ctx.t, (await post<{ secret: string }>(`${BASE}/${hook.id}/rotate-secret`)).secret, w.rotatedHint), w.rotated(name));
          }),
      button(w.remove, 'delete', () => {
        if (!window.confirm(w.confirmDelete(name))) return;
        void act(async () => void (await del(`${BASE}/${hook.id}`)), w.removed(name));
      }),
    ),
  );
}

/** A secret shown once: in a read-only field, selected on focus, so one copy takes it. */
function oneTimeSecret(t: Text, secret: string, hint: string): HTMLElement {
  const field = h('input', { type: 'text', readonly: true, class: 'one-time-secret', value: secret, 'aria-label': t.webhooksView.secret, size: secret.length + 2 });
  field.addEventListener('focus', () => field.select());
  setTimeout(() => field.isConnected && field.focus(), 0);
  return h('p', { class: 'one-time', role: 'status' }, t.webhooksView.secret, ' ', field, ' ', h('span', { class: 'hint' }, hint));
}

async function showLog(area: HTMLElement, ctx: WebhooksContext, hook: WebhookView, id: string): Promise<void> {
  const w = ctx.t.webhooksView;
  try {
    const { items } = await get<{ items: DeliveryView[] }>(`${BASE}/${id}/deliveries`);
    const refresh = h('button', { type: 'button', 'data-action': 'refresh-log', onclick: () => void showLog(area, ctx, hook, id) }, w.refresh);
    area.replaceChildren(
      h('h3', {}, w.logOf(hook.description ?? hook.url), ' ', refresh),
      items.length === 0
        ? h('p', { class: 'empty' }, w.noDeliveries)
        : h(
            'table',
            { class: 'log deliveries', 'data-webhook': id },
            h('thead', {}, h('tr', {}, ...[w.time, w.event, w.status, w.code, w.duration, w.attempt, w.error].map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              {},
              ...items.map((d) =>
                h(
                  'tr',
                  { 'data-status': d.status },
                  h('td', {}, h('time', { datetime: d.at }, formatTime(d.at))),
                  h('td', {}, d.eventType),
                  h('td', { class: 'status' }, w.statuses[d.status] ?? d.status),
                  h('td', {}, d.responseCode ?? '—'),
                  h('td', {}, `${d.durationMs} ms`),
                  h('td', {}, d.attempt),
                  h('td', {}, d.error ?? ''),
                ),
              ),
            ),
          ),
    );
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) ctx.handleError(err);
    else area.textContent = ctx.t.failed + (err as Error).message;
  }
}

/** Add a new endpoint (`hook` null) or change one. */
function form(ctx: WebhooksContext, hook: WebhookView | null, reload: (notice?: HTMLElement) => Promise<void>): HTMLElement {
  const w = ctx.t.webhooksView;
  const url = h('input', { id: 'webhook-url', name: 'url', type: 'url', required: true, maxlength: 2048, size: 50, value: hook?.url ?? '', placeholder: 'https://' });
  const description = h('input', { id: 'webhook-description', name: 'description', type: 'text', maxlength: 200, size: 30, value: hook?.description ?? '' });
  const format = h('select', { id: 'webhook-format', name: 'format' }, ...['json', 'slack'].map((f) => h('option', { value: f, selected: (hook?.format ?? 'json') === f }, f === 'json' ? 'JSON' : 'Slack')));
  const boxes = WEBHOOK_EVENT_TYPES.map((type) =>
    h('label', { class: 'event' }, h('input', { type: 'checkbox', name: 'events', value: type, checked: hook ? hook.events.includes(type) : false }), ` ${type}`),
  );
  const output = h('p', { class: 'error', role: 'alert' });
  const el = h(
    'form',
    { class: 'webhook', 'data-editing': hook?.id ?? null },
    h('h3', {}, hook ? w.editTitle : w.addTitle),
    h('label', { for: 'webhook-url' }, w.url),
    url,
    h('label', { for: 'webhook-description' }, w.description),
    description,
    h('label', { for: 'webhook-format' }, w.format),
    format,
    h('fieldset', {}, h('legend', {}, w.events), ...boxes),
    h('button', { type: 'submit' }, hook ? w.save : w.add),
    hook ? h('button', { type: 'button', onclick: () => void reload() }, w.cancel) : null,
    output,
  );
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    const events = boxes.map((b) => b.querySelector('input')!).filter((b) => b.checked).map((b) => b.value);
    if (events.length === 0) {
      output.textContent = w.pickEvents;
      return;
    }
    const body = { url: url.value.trim(), description: description.value.trim() || null, format: format.value, events };
    try {
      if (hook) {
        await api('PATCH', `${BASE}/${hook.id}`, body);
        ctx.announce(w.saved(body.description ?? body.url));
        await reload();
      } else {
        const created = await post<{ secret: string }>(BASE, body);
        ctx.announce(w.added(body.description ?? body.url));
        await reload(oneTimeSecret(ctx.t, created.secret, w.secretHint));
      }
    } catch (err) {
      showError(output, ctx, err);
    }
  });
  return el;
}
