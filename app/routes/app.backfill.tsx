import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Page, ProgressBar, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { backfillFormSchema } from "~/domain/backfill";
import { useT } from "~/i18n/react";
import type { Translate } from "~/i18n";
import { authenticate } from "~/shopify.server";
import { BackfillError, backfillProgress, cancelBackfill, pauseBackfill, resumeBackfill, startBackfill } from "~/sync/backfill.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json({ backfill: await backfillProgress(session.shop), today: new Date().toISOString().slice(0, 10) });
};

type ActionData = { ok: true } | { error: { key: string; params: Record<string, string | number> } };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = backfillFormSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return json<ActionData>({ error: { key: "backfill.error.form", params: {} } }, { status: 400 });
  try {
    const f = form.data;
    if (f.intent === "start") await startBackfill(session.shop, { from: f.from, to: f.to, grantedScopes: session.scope });
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

export default function BackfillPage() {
  const t = useT();
  const { backfill, today } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<ActionData>();
  const { revalidate, state } = useRevalidator();
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const running = backfill?.status === "running";

  // While it runs, the page follows it.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => { if (state === "idle") revalidate(); }, POLL_MS);
    return () => clearInterval(timer);
  }, [running, revalidate, state]);

  const error = fetcher.data && "error" in fetcher.data ? fetcher.data.error : null;
  const errorParams = error?.params.status ? { ...error.params, status: t(`backfill.status.${error.params.status}`) } : error?.params;
  const control = (intent: "pause" | "resume" | "cancel", label: string) => (
    <fetcher.Form method="post" key={intent}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={backfill!.id} />
      <Button submit tone={intent === "cancel" ? "critical" : undefined} loading={fetcher.state !== "idle"}>{label}</Button>
    </fetcher.Form>
  );

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
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">{t("backfill.latest")}</Text>
                  <Badge tone={TONE[backfill.status]}>{t(`backfill.status.${backfill.status}`)}</Badge>
                </InlineStack>
                <Text as="p">{t("backfill.range", { from: backfill.from, to: backfill.to })} · {t(`backfill.mode.${backfill.mode}`)}</Text>
                <ProgressBar progress={backfill.percent} tone={backfill.status === "failed" ? "critical" : "primary"} />
                <Text as="p">
                  {backfill.total === null ? t("backfill.counting") : t("backfill.progress", { seen: backfill.seen, total: backfill.total })}
                  {running && backfill.etaSeconds !== null ? ` · ${t("backfill.eta", { time: timeLeft(t, backfill.etaSeconds) })}` : ""}
                </Text>
                <Text as="p" tone="subdued">{t("backfill.counts", { queued: backfill.queued, skipped: backfill.skipped, failed: backfill.failed })}</Text>
                {backfill.lastError && <Text as="p" tone="critical">{t("backfill.lastError", { error: backfill.lastError })}</Text>}
                <InlineStack gap="200">
                  {running && control("pause", t("backfill.pause"))}
                  {(backfill.status === "paused" || backfill.status === "failed") && control("resume", t("backfill.resume"))}
                  {["running", "paused", "failed"].includes(backfill.status) && control("cancel", t("backfill.cancel"))}
                </InlineStack>
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
