/**
 * Chart.js 4 set-up: registers only the controllers, elements, scales and plugins the report uses
 * (tree-shaken; see https://www.chartjs.org/docs/latest/getting-started/integration.html#bundlers-webpack-rollup-etc),
 * and sets page-wide defaults: no animation (the page is static and the browser test reads pixels
 * right after drawing), readable fonts, charts that fill their container.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
  Tooltip,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
  Tooltip,
);

Chart.defaults.animation = false;
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.color = '#222';
Chart.defaults.plugins.legend.labels.boxWidth = 14;
Chart.defaults.plugins.tooltip.mode = 'nearest';

/** Chart.js's Chart class, with the registrations and defaults above applied. */
export { Chart };
