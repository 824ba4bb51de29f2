import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Select, TextField } from "@shopify/polaris";
import { useState } from "react";
import { CUSTOMER_FIELDS, TRIGGERS, VAT_RATES, type MappingSettings } from "~/domain/settings";
import { useT } from "~/i18n/react";
import { authenticate } from "~/shopify.server";
import { shopLocations } from "~/shopify/inventory.server";
import { loadSettings, saveSettings, type FieldError } from "~/sync/settings.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // The locations are Shopify's: without them (Shopify unreachable) the page still loads, and says so.
  const [settings, locations] = await Promise.all([loadSettings(session.shop), shopLocations(session.shop).catch(() => null)]);
  return json({ ...settings, locations });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const body = await request.json().catch(() => null);
  if (!body || typeof body !== "object") return json({ errors: [{ path: "", key: "settings.error.invalid" }] as FieldError[] }, { status: 400 });
  const result = await saveSettings(session.shop, body);
  return result.ok ? json({ saved: true as const, errors: [] as FieldError[] }) : json({ errors: result.errors }, { status: 400 });
};

type Form = MappingSettings & { trigger: (typeof TRIGGERS)[number] };
type GatewayRow = { gateway: string; mode: string; account: string };
const ACCOUNTS = ["euOss", "euReverseCharge", "export", "rounding", "giftCards", "tips"] as const;

export default function Settings() {
  const t = useT();
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const saving = useNavigation().state === "submitting";
  const submit = useSubmit();
  const [form, setForm] = useState<Form>({ ...loaded.settings, trigger: loaded.trigger });
  const [gateways, setGateways] = useState<GatewayRow[]>(Object.entries(loaded.settings.paymentModes).map(([gateway, m]) => ({ gateway, ...m })));
  const errorAt = (path: string) => {
    const e = result?.errors.find((x) => x.path === path);
    return e ? t(e.key) : undefined;
  };
  const set = <K extends keyof Form>(key: K) => (value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const setAccount = (key: string, value: string) => setForm((f) => ({ ...f, accounts: { ...f.accounts, [key]: value } }));
  const setDomestic = (rate: string, value: string) => setForm((f) => ({ ...f, accounts: { ...f.accounts, domestic: { ...f.accounts.domestic, [rate]: value } } }));
  const setCustomers = (patch: Partial<Form["customers"]>) => setForm((f) => ({ ...f, customers: { ...f.customers, ...patch } }));
  const setStock = (patch: Partial<Form["stock"]>) => setForm((f) => ({ ...f, stock: { ...f.stock, ...patch } }));
  const setProducts = (patch: Partial<Form["products"]>) => setForm((f) => ({ ...f, products: { ...f.products, ...patch } }));
  const setFlow = (key: keyof Form["flows"]) => (value: boolean) => setForm((f) => ({ ...f, flows: { ...f.flows, [key]: value } }));
  const setGateway = (i: number, key: keyof GatewayRow, value: string) => setGateways((g) => g.map((row, j) => (j === i ? { ...row, [key]: value } : row)));
  const options = (prefix: string, values: readonly string[]) => values.map((v) => ({ value: v, label: t(`${prefix}.${v}`) }));

  const save = () => {
    const { trigger, document, bookkeeping, afterEdit, privateCustomers, customers, products, stock, articleKey, defaultArticleNumber, shippingArticleNumber, accounts, currency, paymentModeDefault, flows, language } = form;
    const alerts = { email: form.alerts.email, ...(form.alerts.address?.trim() ? { address: form.alerts.address.trim() } : {}) };
    const paymentModes = Object.fromEntries(gateways.filter((g) => g.gateway.trim()).map((g) => [g.gateway.trim(), { mode: g.mode, account: g.account }]));
    submit({ trigger, document, bookkeeping, afterEdit, privateCustomers, customers, products, stock, articleKey, defaultArticleNumber, shippingArticleNumber, accounts, currency, paymentModes, paymentModeDefault, flows, language, alerts }, { method: "post", encType: "application/json" });
  };

  return (
    <Page title={t("settings.title")} primaryAction={{ content: t("action.save"), onAction: save, loading: saving }}>
      <Layout>
        {loaded.storedError && <Layout.Section><Banner tone="warning">{t("settings.storedError")}</Banner></Layout.Section>}
        {result && "saved" in result && <Layout.Section><Banner tone="success">{t("settings.saved")}</Banner></Layout.Section>}
        {result && result.errors.length > 0 && <Layout.Section><Banner tone="critical">{t("settings.notSaved")}</Banner></Layout.Section>}

        <Layout.AnnotatedSection id="bookkeeping" title={t("settings.booking")} description={t("settings.booking.help")}>
          <Card>
            <FormLayout>
              <Select label={t("settings.trigger")} options={options("settings.trigger", TRIGGERS)} value={form.trigger} onChange={(v) => set("trigger")(v as Form["trigger"])} error={errorAt("trigger")} />
              <Select label={t("settings.document")} options={options("settings.document", ["invoice", "order"])} value={form.document} onChange={(v) => set("document")(v as Form["document"])} error={errorAt("document")} />
              <Select label={t("settings.bookkeeping")} options={options("settings.bookkeeping", ["booked", "draft"])} value={form.bookkeeping} onChange={(v) => set("bookkeeping")(v as Form["bookkeeping"])} error={errorAt("bookkeeping")} />
              <Select label={t("settings.afterEdit")} options={options("settings.afterEdit", ["review", "reinvoice"])} value={form.afterEdit} onChange={(v) => set("afterEdit")(v as Form["afterEdit"])} error={errorAt("afterEdit")} />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection id="customers" title={t("settings.customers")} description={t("settings.customers.help")}>
          <Card>
            <FormLayout>
              <Select label={t("settings.privateCustomers")} options={options("settings.privateCustomers", ["per_buyer", "webshop"])} value={form.privateCustomers} onChange={(v) => set("privateCustomers")(v as Form["privateCustomers"])} error={errorAt("privateCustomers")} />
              <Checkbox label={t("settings.customerSync")} helpText={t("settings.customerSync.help")} checked={form.customers.sync} onChange={(sync) => setCustomers({ sync })} />
              {form.customers.sync && CUSTOMER_FIELDS.map((field) => (
                <Select key={field} label={t(`settings.customerField.${field}`)} options={options("settings.fieldOwner", ["shopify", "accounting"])}
                  value={form.customers.owner[field]} onChange={(v) => setCustomers({ owner: { ...form.customers.owner, [field]: v as "shopify" | "accounting" } })} error={errorAt(`customers.owner.${field}`)} />
              ))}
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection id="articles" title={t("settings.articles")} description={t("settings.articles.help")}>
          <Card>
            <FormLayout>
              <Checkbox label={t("settings.productSync")} helpText={t("settings.productSync.help")} checked={form.products.sync} onChange={(sync) => setProducts({ sync })} />
              {form.products.sync && <>
                <Checkbox label={t("settings.productPrices")} helpText={t("settings.productPrices.help")} checked={form.products.prices} onChange={(prices) => setProducts({ prices })} />
                <Select label={t("settings.productVatRate")} helpText={t("settings.productVatRate.help")} options={VAT_RATES.map((rate) => ({ value: rate, label: `${rate} %` }))}
                  value={form.products.vatRate} onChange={(v) => setProducts({ vatRate: v as Form["products"]["vatRate"] })} error={errorAt("products.vatRate")} />
              </>}
              <Select label={t("settings.articleKey")} options={options("settings.articleKey", ["sku", "ean", "default"])} value={form.articleKey} onChange={(v) => set("articleKey")(v as Form["articleKey"])} error={errorAt("articleKey")} />
              <FormLayout.Group>
                <TextField label={t("settings.defaultArticleNumber")} value={form.defaultArticleNumber} onChange={set("defaultArticleNumber")} error={errorAt("defaultArticleNumber")} autoComplete="off" />
                <TextField label={t("settings.shippingArticleNumber")} value={form.shippingArticleNumber} onChange={set("shippingArticleNumber")} error={errorAt("shippingArticleNumber")} autoComplete="off" />
              </FormLayout.Group>
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection id="stock" title={t("settings.stock")} description={t("settings.stock.help")}>
          <Card>
            <FormLayout>
              <Checkbox label={t("settings.stockSync")} helpText={t("settings.stockSync.help")} checked={form.stock.sync} onChange={(sync) => setStock({ sync })} />
              {form.stock.sync && (loaded.locations
                ? <Select label={t("settings.stockLocation")} options={[{ value: "", label: t("settings.stockLocation.choose") }, ...loaded.locations.map((l) => ({ value: l.id, label: l.name }))]}
                    value={form.stock.locationId ?? ""} onChange={(v) => setStock({ locationId: v || null })} error={errorAt("stock.locationId")} />
                : <Banner tone="warning">{t("settings.stockLocation.unreadable")}</Banner>)}
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection id="accounts" title={t("settings.accounts")} description={t("settings.accounts.help")}>
          <Card>
            <FormLayout>
              <FormLayout.Group condensed>
                {VAT_RATES.map((rate) => (
                  <TextField key={rate} label={t("settings.accounts.domestic", { rate })} value={form.accounts.domestic[rate] ?? ""} onChange={(v) => setDomestic(rate, v)} error={errorAt(`accounts.domestic.${rate}`)} autoComplete="off" />
                ))}
              </FormLayout.Group>
              <FormLayout.Group condensed>
                {ACCOUNTS.map((key) => (
                  <TextField key={key} label={t(`settings.accounts.${key}`)} value={form.accounts[key]} onChange={(v) => setAccount(key, v)} error={errorAt(`accounts.${key}`)} autoComplete="off" />
                ))}
              </FormLayout.Group>
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection id="payments" title={t("settings.payments")} description={t("settings.payments.help")}>
          <Card>
            <BlockStack gap="300">
              {gateways.map((g, i) => (
                <InlineStack key={i} gap="200" blockAlign="end" wrap={false}>
                  <TextField label={t("settings.payments.gateway")} value={g.gateway} onChange={(v) => setGateway(i, "gateway", v)} autoComplete="off" />
                  <TextField label={t("settings.payments.mode")} value={g.mode} onChange={(v) => setGateway(i, "mode", v)} error={errorAt(`paymentModes.${g.gateway.trim()}.mode`)} autoComplete="off" />
                  <TextField label={t("settings.payments.account")} value={g.account} onChange={(v) => setGateway(i, "account", v)} error={errorAt(`paymentModes.${g.gateway.trim()}.account`)} autoComplete="off" />
                  <Button onClick={() => setGateways((rows) => rows.filter((_, j) => j !== i))}>{t("settings.payments.remove")}</Button>
                </InlineStack>
              ))}
              <InlineStack gap="200" blockAlign="end" wrap={false}>
                <TextField label={t("settings.payments.gateway")} value={t("settings.payments.default")} disabled autoComplete="off" />
                <TextField label={t("settings.payments.mode")} value={form.paymentModeDefault.mode} onChange={(mode) => set("paymentModeDefault")({ ...form.paymentModeDefault, mode })} error={errorAt("paymentModeDefault.mode")} autoComplete="off" />
                <TextField label={t("settings.payments.account")} value={form.paymentModeDefault.account} onChange={(account) => set("paymentModeDefault")({ ...form.paymentModeDefault, account })} error={errorAt("paymentModeDefault.account")} autoComplete="off" />
              </InlineStack>
              <InlineStack><Button onClick={() => setGateways((rows) => [...rows, { gateway: "", mode: "", account: "" }])}>{t("settings.payments.add")}</Button></InlineStack>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection id="currency" title={t("settings.currency")} description={t("settings.currency.help")}>
          <Card>
            <Select label={t("settings.currency")} options={options("settings.currency", ["shop", "presentment"])} value={form.currency} onChange={(v) => set("currency")(v as Form["currency"])} error={errorAt("currency")} />
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection id="flows" title={t("settings.flows")} description={t("settings.flows.help")}>
          <Card>
            <BlockStack gap="200">
              {(["orders", "refunds", "payments", "cancellations"] as const).map((flow) => (
                <Checkbox key={flow} label={t(`settings.flows.${flow}`)} checked={form.flows[flow]} onChange={setFlow(flow)} />
              ))}
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection id="alerts" title={t("settings.alerts")} description={t("settings.alerts.help")}>
          <Card>
            <FormLayout>
              <Checkbox label={t("settings.alerts.email")} checked={form.alerts.email} onChange={(email) => set("alerts")({ ...form.alerts, email })} />
              <TextField label={t("settings.alerts.address")} type="email" value={form.alerts.address ?? ""} onChange={(address) => set("alerts")({ ...form.alerts, address })} helpText={t("settings.alerts.addressHelp")} error={errorAt("alerts.address")} autoComplete="email" />
              <Select label={t("settings.language")} options={options("settings.language", ["sv", "en"])} value={form.language} onChange={(v) => set("language")(v as Form["language"])} />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.Section>
          <InlineStack align="end"><Button variant="primary" onClick={save} loading={saving}>{t("action.save")}</Button></InlineStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
