#include "sr-activation.h"

#include <math.h>

void
sr_activation_apply (SrActivation act, const float *slopes, float *data, int channels,
    size_t plane)
{
  size_t n = (size_t) channels * plane;
  switch (act) {
    case SR_ACT_NONE:
      break;
    case SR_ACT_TANH:
      for (size_t i = 0; i < n; i++)
        data[i] = tanhf (data[i]);
      break;
    case SR_ACT_RELU:
      for (size_t i = 0; i < n; i++)
        data[i] = data[i] > 0.f ? data[i] : 0.f;
      break;
    case SR_ACT_PRELU:
      for (int c = 0; c < channels; c++) {
        float a = slopes[c], *p = data + (size_t) c * plane;
        for (size_t i = 0; i < plane; i++)
          p[i] = p[i] > 0.f ? p[i] : a * p[i];
      }
      break;
  }
}
