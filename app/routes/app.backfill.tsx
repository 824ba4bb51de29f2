import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Page, ProgressBar, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { backfillFormSchema } from "~/domain/backfill";
import { useT } from "~/i18n/react";
import type { Translate } from "~/i18n";
import { authenticate } from "~/shopify.server";
import { REGISTER_SUBJECTS } from "~/domain/graphql-register";
import { BackfillError, backfillProgress, cancelBackfill, pauseBackfill, resumeBackfill, startBackfill, startImport, type BackfillView } from "~/sync/backfill.server";
import { loadSettings } from "~/sync/settings.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [backfill, customers, products, settings] = await Promise.all([
    backfillProgress(session.shop), backfillProgress(session.shop, "customers"), backfillProgress(session.shop, "products"), loadSettings(session.shop),
  ]);
  const syncOn = { customers: settings.settings.customers.sync, products: settings.settings.products.sync };
  return json({ backfill, imports: { customers, products }, syncOn, today: new Date().toISOString().slice(0, 10) });
};

type ActionData = { ok: true } | { error: { key: string; params: Record<string, string | number> } };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = backfillFormSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return json<ActionData>({ error: { key: "backfill.error.form", params: {} } }, { status: 400 });
  try {
    const f = form.data;
    if (f.intent === "start") await startBackfill(session.shop, { from: f.from, to: f.to, grantedScopes: session.scope });
    else if (f.intent === "import") await startImport(session.shop, f.subject);
    else if (f.intent === "pause") await pauseBackfill(session.shop, f.id);
    else if (f.intent === "resume") await resumeBackfill(session.shop, f.id);
    else await cancelBackfill(session.shop, f.id);
    return json<ActionData>({ ok: true });
  } catch (e) {
    if (e instanceof BackfillError) return json<ActionData>({ error: { key: e.key, params: e.params } }, { status: e.status });
    throw e;
  }
};

const POLL_MS = 1_000;

function timeLeft(t: Translate, seconds: number): string {
  if (seconds < 90) return t("backfill.eta.seconds", { n: seconds });
  if (seconds < 90 * 60) return t("backfill.eta.minutes", { n: Math.round(seconds / 60) });
  return t("backfill.eta.hours", { n: Math.round(seconds / 3600) });
}

const TONE: Record<string, "success" | "critical" | "warning" | "info" | undefined> = { running: "info", paused: "warning", completed: "success", failed: "critical" };

const ACTIVE = ["running", "paused", "failed"];

/** A run's progress: read from Shopify, and for an import, what its jobs have written since. */
function ProgressCard({ title, view, subtitle, words }: { title: string; view: BackfillView; subtitle: string; words: "backfill" | "import" }) {
  const t = useT();
  const fetcher = useFetcher<ActionData>();
  const running = view.status === "running";
  const control = (intent: "pause" | "resume" | "cancel", label: string) => (
    <fetcher.Form method="post" key={intent}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={view.id} />
      <Button submit tone={intent === "cancel" ? "critical" : undefined} loading={fetcher.state !== "idle"}>{label}</Button>
    </fetcher.Form>
  );
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">{title}</Text>
          <Badge tone={TONE[view.status]}>{t(`backfill.status.${view.status}`)}</Badge>
        </InlineStack>
        <Text as="p">{subtitle} · {t(`backfill.mode.${view.mode}`)}</Text>
        <ProgressBar progress={view.percent} tone={view.status === "failed" ? "critical" : "primary"} />
        <Text as="p">
          {view.total === null ? t(`${words}.counting`) : t(`${words}.progress`, { seen: view.seen, total: view.total })}
          {running && view.etaSeconds !== null ? ` · ${t("backfill.eta", { time: timeLeft(t, view.etaSeconds) })}` : ""}
        </Text>
        <Text as="p" tone="subdued">{t(`${words}.counts`, { queued: view.queued, skipped: view.skipped, failed: view.failed })}</Text>
        {view.written && <Text as="p">{t("import.written", view.written)}</Text>}
        {view.lastError && <Text as="p" tone="critical">{t("backfill.lastError", { error: view.lastError })}</Text>}
        <InlineStack gap="200">
          {running && control("pause", t("backfill.pause"))}
          {(view.status === "paused" || view.status === "failed") && control("resume", t("backfill.resume"))}
          {ACTIVE.includes(view.status) && control("cancel", t("backfill.cancel"))}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

export default function BackfillPage() {
  const t = useT();
  const { backfill, imports, syncOn, today } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<ActionData>();
  const { revalidate, state } = useRevalidator();
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  // While anything runs (or an import's jobs are still writing), the page follows it.
  const views = [backfill, imports.customers, imports.products];
  const live = views.some((v) => v?.status === "running" || (v?.written?.waiting ?? 0) > 0);

  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => { if (state === "idle") revalidate(); }, POLL_MS);
    return () => clearInterval(timer);
  }, [live, revalidate, state]);

  const error = fetcher.data && "error" in fetcher.data ? fetcher.data.error : null;
  const errorParams = error?.params.status ? { ...error.params, status: t(`backfill.status.${error.params.status}`) } : error?.params;

  return (
    <Page title={t("backfill.title")}>
      <Layout>
        <Layout.Section>
          <Card>
            <fetcher.Form method="post">
              <BlockStack gap="300">
                <Text as="p">{t("backfill.intro")}</Text>
                <input type="hidden" name="intent" value="start" />
                <InlineStack gap="300" blockAlign="end">
                  <TextField label={t("backfill.from")} type="date" name="from" value={from} onChange={setFrom} autoComplete="off" max={today} />
                  <TextField label={t("backfill.to")} type="date" name="to" value={to} onChange={setTo} autoComplete="off" max={today} />
                  <Button submit variant="primary" loading={fetcher.state !== "idle"}>{t("backfill.start")}</Button>
                </InlineStack>
                {error && <Banner tone="critical">{t(error.key, errorParams)}</Banner>}
              </BlockStack>
            </fetcher.Form>
          </Card>
        </Layout.Section>
        {backfill && (
          <Layout.Section>
            <ProgressCard title={t("backfill.latest")} view={backfill} subtitle={t("backfill.range", { from: backfill.from, to: backfill.to })} words="backfill" />
          </Layout.Section>
        )}
        <Layout.AnnotatedSection id="import" title={t("import.title")} description={t("import.intro")}>
          <BlockStack gap="300">
            {REGISTER_SUBJECTS.map((subject) => {
              const view = imports[subject];
              return (
                <BlockStack gap="200" key={subject}>
                  {view && <ProgressCard title={t(`import.${subject}`)} view={view} subtitle={t("import.started", { day: view.from })} words="import" />}
                  {!(view && ACTIVE.includes(view.status)) && (
                    <fetcher.Form method="post">
                      <input type="hidden" name="intent" value="import" />
                      <input type="hidden" name="subject" value={subject} />
                      <InlineStack gap="200" blockAlign="center">
                        <Button submit disabled={!syncOn[subject]} loading={fetcher.state !== "idle"}>{t(`import.start.${subject}`)}</Button>
                        {!syncOn[subject] && <Text as="span" tone="subdued">{t("import.syncOff")}</Text>}
                      </InlineStack>
                    </fetcher.Form>
                  )}
                </BlockStack>
              );
            })}
          </BlockStack>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}
