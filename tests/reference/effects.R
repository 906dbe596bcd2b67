# Reference values for explorer.stats.effects (tests/stats/test_effects.py).
#
# Base R only (qnorm/pnorm), written independently of the Python code:
#   from_ci   Wald inference from an estimate and its CI (Altman & Bland, BMJ 2011;343:d2090)
#   posterior normal-normal conjugate update on the log ratio (Spiegelhalter, Abrams & Myles,
#             "Bayesian Approaches to Clinical Trials and Health-Care Evaluation", 2004, ch. 3)
#   sceptical prior SD: P(ratio < hr_alt) = tail under N(0, sd^2) on the log scale.
#
# Run: cd tests/reference && Rscript effects.R   (writes effects.json)

library(jsonlite)

from_ci <- function(estimate, lower, upper, level = 0.95, log_scale = TRUE) {
  crit <- qnorm(1 - (1 - level) / 2)
  if (log_scale) {
    centre <- sqrt(lower * upper)
    se <- (log(upper) - log(lower)) / (2 * crit)
    z <- log(estimate) / se
    asymmetry <- log(estimate) - (log(lower) + log(upper)) / 2
  } else {
    centre <- (lower + upper) / 2
    se <- (upper - lower) / (2 * crit)
    z <- estimate / se
    asymmetry <- estimate - centre
  }
  p <- 2 * pnorm(-abs(z))
  list(estimate = estimate, lower = lower, upper = upper, level = level,
       log_scale = log_scale, se = se, z = z, p = p, centre = centre,
       asymmetry = asymmetry)
}

sceptical_sd <- function(hr_alt, tail_probability = 0.05) {
  abs(log(hr_alt)) / qnorm(1 - tail_probability)
}

posterior <- function(estimate, lower, upper, level = 0.95, threshold = 1,
                      prior_mean = 1, prior_sd = NULL) {
  crit <- qnorm(1 - (1 - level) / 2)
  se <- (log(upper) - log(lower)) / (2 * crit)
  if (is.null(prior_sd)) {
    m <- log(estimate)
    s <- se
  } else {
    precision <- 1 / se^2 + 1 / prior_sd^2
    m <- (log(estimate) / se^2 + log(prior_mean) / prior_sd^2) / precision
    s <- sqrt(1 / precision)
  }
  list(estimate = estimate, ci_lower = lower, ci_upper = upper, level = level,
       threshold = threshold, prior_mean = prior_mean,
       prior_sd = if (is.null(prior_sd)) NA else prior_sd,
       probability = pnorm((log(threshold) - m) / s),
       mean = exp(m), lower = exp(m - crit * s), upper = exp(m + crit * s), sd = s)
}

# from_ci cases -------------------------------------------------------------
from_ci_cases <- list(
  # PALMIRA PFS, ASCO 2023 abstract 1001: HR 0.8 (95% CI 0.6-1.1), printed p = 0.206
  palmira = from_ci(0.8, 0.6, 1.1),
  # a 90% CI and a 99% CI (made-up hazard ratios)
  level90 = from_ci(0.72, 0.55, 0.94, level = 0.90),
  level99 = from_ci(0.65, 0.45, 0.93, level = 0.99),
  # a strong effect: HR 0.58 (0.46-0.72)
  strong = from_ci(0.58, 0.46, 0.72),
  # risk difference on the natural scale, percentage points: 4.1 (-3.1 to 11.3)
  rd_natural = from_ci(4.1, -3.1, 11.3, log_scale = FALSE),
  # estimate printed outside its own CI (a transcription error the audit must see)
  outside = from_ci(1.3, 0.6, 1.1)
)

# same bounds, increasing level: se must shrink
same_bounds <- lapply(c(0.80, 0.90, 0.95, 0.99), function(l) from_ci(0.8, 0.6, 1.1, level = l))

# posterior cases -----------------------------------------------------------
sd_sceptical <- sceptical_sd(0.59)  # PALMIRA design HR 0.59, P(HR < 0.59) = 5%
posterior_cases <- list()
for (threshold in c(1.0, 0.85)) {
  tag <- if (threshold == 1) "t100" else "t085"
  posterior_cases[[paste0("flat_", tag)]] <- posterior(0.8, 0.6, 1.1, threshold = threshold)
  posterior_cases[[paste0("sceptical_", tag)]] <-
    posterior(0.8, 0.6, 1.1, threshold = threshold, prior_mean = 1, prior_sd = sd_sceptical)
  posterior_cases[[paste0("enthusiastic_", tag)]] <-
    posterior(0.8, 0.6, 1.1, threshold = threshold, prior_mean = 0.59, prior_sd = sd_sceptical)
}
# a 90% input CI (and 90% credible interval) with an informative prior
posterior_cases[["level90_informative"]] <-
  posterior(0.72, 0.55, 0.94, level = 0.90, threshold = 0.8, prior_mean = 0.9, prior_sd = 0.2)

sceptical_cases <- list(
  list(hr_alt = 0.59, tail_probability = 0.05, sd = sceptical_sd(0.59, 0.05)),
  list(hr_alt = 0.75, tail_probability = 0.025, sd = sceptical_sd(0.75, 0.025)),
  list(hr_alt = 1.5, tail_probability = 0.10, sd = sceptical_sd(1.5, 0.10))
)

out <- list(
  generated_with = paste(R.version.string, "(base R qnorm/pnorm)"),
  from_ci = from_ci_cases,
  same_bounds = same_bounds,
  posterior = posterior_cases,
  sceptical_prior_sd = sceptical_cases
)
write_json(out, "effects.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
