import { useT } from "~/i18n/react";

// Documents booked per day as plain SVG bars: a chart library would ship more JavaScript than
// the whole page, for fourteen rectangles.

export function DocumentsChart({ days }: { days: { day: string; documents: number }[] }) {
  const t = useT();
  const max = Math.max(1, ...days.map((d) => d.documents));
  const width = 560;
  const height = 120;
  const bar = width / days.length;
  return (
    <svg role="img" aria-label={t("dashboard.chart")} viewBox={`0 0 ${width} ${height + 18}`} width="100%" height={height + 18} style={{ display: "block" }}>
      {days.map((d, i) => {
        const h = Math.round((d.documents / max) * height);
        return (
          <g key={d.day}>
            <title>{t("dashboard.chartBar", { day: d.day, documents: d.documents })}</title>
            <rect x={i * bar + 3} y={height - h} width={bar - 6} height={h} rx={2} fill="var(--p-color-bg-fill-info, #91d0ff)" data-documents={d.documents} />
            <text x={i * bar + bar / 2} y={height + 14} textAnchor="middle" fontSize="10" fill="currentColor">{d.day.slice(8)}</text>
          </g>
        );
      })}
    </svg>
  );
}
