/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-plan.h"

static void
need (int *margin, int v, int m)
{
  if (m > margin[v])
    margin[v] = m;
}

void
sr_plan_make (const SrModel *model, SrPlan *plan)
{
  int n = model->n_steps;
  /* Margins, from the output back: a convolution needs its radius more pixels of
   * its input; a shuffle by r needs ceil(m / r) of its coarser input. */
  for (int v = 0; v <= n; v++)
    plan->margin[v] = 0;
  /* the store reads the output's sub-pixel phases up to out_offset further on */
  const SrValue *out = &model->values[n];
  int q = out->level > 0 ? model->scale / out->level : 1;
  plan->overhang = 0;
  for (int i = 0; i < q && i < (int) G_N_ELEMENTS (model->out_offset); i++)
    plan->overhang = MAX (plan->overhang, model->out_offset[i]);
  plan->margin[n] = plan->overhang;
  for (int i = n - 1; i >= 0; i--) {
    const SrStep *s = &model->steps[i];
    int m = plan->margin[i + 1];
    switch (s->kind) {
      case SR_STEP_CONV:
        need (plan->margin, s->a, m + sr_conv_radius (&model->convs[s->conv]));
        break;
      case SR_STEP_ADD:
        need (plan->margin, s->a, m);
        need (plan->margin, s->b, m);
        break;
      case SR_STEP_SHUFFLE:
        need (plan->margin, s->a, (m + s->r - 1) / s->r);
        break;
    }
  }

  /* Buffers: a value's buffer is free again after the last step that reads it. */
  int last_use[SR_MAX_STEPS + 1], busy_until[SR_MAX_STEPS + 1];
  for (int v = 0; v <= n; v++)
    last_use[v] = v == n ? n : v;   /* the output is read after the last step */
  for (int i = 0; i < n; i++) {
    const SrStep *s = &model->steps[i];
    last_use[s->a] = MAX (last_use[s->a], i);
    if (s->kind == SR_STEP_ADD)
      last_use[s->b] = MAX (last_use[s->b], i);
  }
  plan->n_buffers = 1;
  plan->buffer[0] = 0;
  busy_until[0] = last_use[0];
  for (int i = 0; i < n; i++) {
    int b = 0;
    while (b < plan->n_buffers && busy_until[b] >= i)
      b++;
    if (b == plan->n_buffers)
      plan->n_buffers++;
    plan->buffer[i + 1] = b;
    busy_until[b] = last_use[i + 1];
  }
}
