import { Badge, Banner, BlockStack, Button, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { Provider } from "~/connectors/types";
import { formatMinor } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import type { TestRun } from "~/sync/mapping-tests.server";
import type { previewOrder } from "~/sync/preview.server";

// The preview of an order's document under the edited rules, and the mapping tests' results.

export type PreviewAnswer = Awaited<ReturnType<typeof previewOrder>>;

export function PreviewPanel({ answer, provider }: { answer?: PreviewAnswer; provider: Provider }) {
  const t = useT();
  const locale = useLocale();
  if (!answer) return null;
  const say = (i: { message: string; messageSv: string }) => (locale === "sv" ? i.messageSv : i.message);
  if (!answer.ok) return <Banner tone="warning">{t(answer.reason === "order_not_found" ? "rules.preview.notFound" : "rules.preview.fix")}</Banner>;
  const doc = answer.document;
  const fields = Object.entries(doc?.fields ?? {}).filter(([, v]) => v);
  return (
    <BlockStack gap="300">
      {(answer.issues.length > 0 || answer.mappingIssues.length > 0) && (
        <Banner tone={answer.mappingIssues.length ? "critical" : "warning"} title={t("rules.preview.issues")}>
          <BlockStack gap="100">{[...answer.mappingIssues, ...answer.issues].map((i, n) => <Text as="p" key={n}>{say(i)}</Text>)}</BlockStack>
        </Banner>
      )}
      {doc && (
        <>
          <Text as="h3" variant="headingSm">{t("rules.preview.customer")}</Text>
          <Text as="p">{doc.customer.name}{doc.customer.email ? ` · ${doc.customer.email}` : ""}{doc.customer.orgNumber ? ` · ${doc.customer.orgNumber}` : ""}</Text>
          <Text as="h3" variant="headingSm">{t("rules.preview.fields")}</Text>
          {fields.length === 0 ? <Text as="p" tone="subdued">{t("rules.preview.noFields")}</Text> : (
            <BlockStack gap="100">{fields.map(([k, v]) => <Text as="p" key={k}><Text as="span" fontWeight="semibold">{t(`rules.field.${k}`)}:</Text> {v}</Text>)}</BlockStack>
          )}
          <Text as="h3" variant="headingSm">{t("rules.preview.rows")} · {t(`provider.${provider}`)}</Text>
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
            headings={[t("rules.preview.col.article"), t("rules.preview.col.description"), t("rules.preview.col.quantity"), t("rules.preview.col.price"), t("rules.preview.col.vat"), t("rules.preview.col.account")]}
            rows={doc.rows.map((r) => [r.articleNumber ?? "", r.description, r.quantity, formatMinor(locale, r.unitPrice, doc.currency), r.vatRate, r.account])}
          />
          <Text as="p" fontWeight="semibold">{t("rules.preview.total", { total: formatMinor(locale, doc.total, doc.currency), vat: formatMinor(locale, doc.vat, doc.currency) })}</Text>
        </>
      )}
    </BlockStack>
  );
}

export function TestList({ runs, onDelete }: { runs: (TestRun & { unknown?: boolean })[]; onDelete?: (id: string) => void }) {
  const t = useT();
  return (
    <BlockStack gap="200">
      {runs.map((r) => (
        <BlockStack gap="100" key={r.id}>
          <InlineStack gap="200" blockAlign="center">
            <Text as="span" fontWeight="semibold">{r.name}</Text>
            {!r.unknown && <Badge tone={r.passed ? "success" : "critical"}>{t(r.passed ? "rules.tests.passes" : "rules.tests.differs")}</Badge>}
            {onDelete && <Button size="slim" onClick={() => onDelete(r.id)}>{t("rules.page.removeItem")}</Button>}
          </InlineStack>
          {r.differences.slice(0, 8).map((d, i) => <Text as="p" key={i} tone="subdued"><code>{d}</code></Text>)}
        </BlockStack>
      ))}
    </BlockStack>
  );
}

