// The views and their addresses in the URL hash: the desktop window loads from file://,
// where path routing cannot work, so reload, Back and deep links all go through the hash.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import OverviewView from './views/OverviewView.vue';
import DeploymentsView from './views/DeploymentsView.vue';
import DeploymentDetailView from './views/DeploymentDetailView.vue';
import GpusView from './views/GpusView.vue';
import ModelsView from './views/ModelsView.vue';
import TryView from './views/TryView.vue';
import UsageView from './views/UsageView.vue';
import SettingsView from './views/SettingsView.vue';

/** The tabs in the header, in order (Deployment detail is reached from a row). */
export const tabs = [
  { name: 'overview', path: '/overview', label: 'Overview' },
  { name: 'deployments', path: '/deployments', label: 'Deployments' },
  { name: 'gpus', path: '/gpus', label: 'GPUs' },
  { name: 'models', path: '/models', label: 'Ollama models' },
  { name: 'try', path: '/try', label: 'Try' },
  { name: 'usage', path: '/usage', label: 'Usage' },
  { name: 'settings', path: '/settings', label: 'Settings' },
] as const;

export const routes: RouteRecordRaw[] = [
  // The Deployments view is where the app opens: deploy and the list, as it always did.
  { path: '/', redirect: '/deployments' },
  { path: '/overview', name: 'overview', component: OverviewView, meta: { title: 'Overview' } },
  { path: '/deployments', name: 'deployments', component: DeploymentsView, meta: { title: 'Deployments' } },
  { path: '/deployments/:namespace/:name', name: 'deployment', component: DeploymentDetailView, props: true, meta: { title: 'Deployment', tab: 'deployments' } },
  { path: '/gpus', name: 'gpus', component: GpusView, meta: { title: 'GPUs' } },
  { path: '/models', name: 'models', component: ModelsView, meta: { title: 'Ollama models' } },
  { path: '/try', name: 'try', component: TryView, meta: { title: 'Try' } },
  { path: '/usage', name: 'usage', component: UsageView, meta: { title: 'Usage' } },
  { path: '/settings', name: 'settings', component: SettingsView, meta: { title: 'Settings' } },
  { path: '/:rest(.*)*', redirect: '/deployments' },
];

export function createAppRouter() {
  const router = createRouter({
    history: createWebHashHistory(),
    routes,
    // Back returns to where the operator was; a new view starts at the top.
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  });
  router.afterEach((to) => {
    const title = to.name === 'deployment' ? `${String(to.params.namespace)}/${String(to.params.name)}` : String(to.meta.title ?? '');
    document.title = title ? `${title} · Kubernetes Model Manager` : 'Kubernetes Model Manager';
  });
  return router;
}
