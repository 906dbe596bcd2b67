# Reference values for explorer.analysis.interpretation (tests/analysis/test_interpretation.py).
#
# Base R only, written independently of the Python code, from the figures printed in the
# PALMIRA abstract (ASCO 2023 abstract 1001, NCT03809988):
#   PFS HR 0.8 (95% CI 0.6-1.1); 6-month PFS 40.9% (P+ET) vs 28.6% (ET);
#   median PFS 4.2 (P+ET) vs 3.6 months (ET); design HR 0.59;
#   grade 3-4 AEs 61/135 vs 5/60 (counts reconstructed from 45.2% and 8.3%).
#
#   absolute effects: landmark difference; GRADE risk_t = 1 - (1 - risk_c)^HR at the HR and
#     its CI bounds (Guyatt et al., J Clin Epidemiol 2013;66:158-172);
#   model curves: S(t) log-linear between (0, 1), (median, 0.5) and (6, rate), the last
#     hazard continued beyond; restricted mean by numerical integrate() (not the closed form);
#   NNT/NNH: 1 / risk difference; Newcombe hybrid score CI (method 10) from Wilson intervals
#     (prop.test, no continuity correction);
#   Bayes: normal-normal conjugate posterior on the log HR (Spiegelhalter, Abrams & Myles
#     2004, ch. 3) under flat, sceptical and enthusiastic priors (SD: 5% prior probability
#     of HR < 0.59 under N(0, sd^2)); thresholds 1 and 0.59.
#
# Run: cd tests/reference && Rscript interpretation.R   (writes interpretation.json)

library(jsonlite)

hr <- 0.8; hr_lo <- 0.6; hr_hi <- 1.1; level <- 0.95
s6_t <- 0.409; s6_c <- 0.286
med_t <- 4.2; med_c <- 3.6
design_hr <- 0.59

# --- absolute effects at 6 months ---------------------------------------------------
grade <- function(risk_c, h) 1 - (1 - risk_c)^h
risk_c <- 1 - s6_c
risk_t <- grade(risk_c, c(hr, hr_lo, hr_hi))
landmark <- list(control_event_risk = 1 - s6_c, treatment_event_risk = 1 - s6_t,
                 difference = (1 - s6_c) - (1 - s6_t))
hr_method <- list(control_event_risk = risk_c,
                  treatment_event_risk = risk_t[1],
                  treatment_event_risk_lower = risk_t[2],
                  treatment_event_risk_upper = risk_t[3],
                  difference = risk_c - risk_t[1],
                  difference_lower = risk_c - risk_t[3],  # HR upper bound: least benefit
                  difference_upper = risk_c - risk_t[2])

# --- model curves (log-linear survival between knots) --------------------------------
curve <- function(median, s6) {
  kt <- c(0, median, 6); ls <- log(c(1, 0.5, s6))
  if (median > 6) { kt <- c(0, 6, median); ls <- log(c(1, s6, 0.5)) }
  last_slope <- (ls[3] - ls[2]) / (kt[3] - kt[2])
  function(t) sapply(t, function(u) {
    if (u <= kt[3]) exp(approx(kt, ls, xout = u)$y) else exp(ls[3] + last_slope * (u - kt[3]))
  })
}
S_t <- curve(med_t, s6_t); S_c <- curve(med_c, s6_c)
rmst <- function(S, tau) integrate(S, 0, tau, rel.tol = 1e-12, subdivisions = 1000L)$value
rmst_cases <- lapply(c(6, 4, 9), function(tau) list(
  tau = tau, treatment = rmst(S_t, tau), control = rmst(S_c, tau),
  difference = rmst(S_t, tau) - rmst(S_c, tau)))

# HR method with the control risk from the model curve: interpolated at 5 months,
# extrapolated at 12 months.
model_hr <- lapply(c(5, 12), function(m) {
  rc <- 1 - S_c(m); rt <- grade(rc, c(hr, hr_lo, hr_hi))
  list(milestone = m, control_event_risk = rc, treatment_event_risk = rt[1],
       difference = rc - rt[1], difference_lower = rc - rt[3], difference_upper = rc - rt[2])
})

# --- NNT (benefit, from the HR method) and NNH (grade 3-4 AEs) -------------------------
nnt <- list(value = 1 / hr_method$difference,
            nnt_end = 1 / hr_method$difference_upper,      # NNT at the favourable end
            nnh_end = 1 / -hr_method$difference_lower)     # NNH at the unfavourable end
wilson <- function(k, n) as.numeric(prop.test(k, n, conf.level = level, correct = FALSE)$conf.int)
k1 <- 61; n1 <- 135; k2 <- 5; n2 <- 60
p1 <- k1 / n1; p2 <- k2 / n2; w1 <- wilson(k1, n1); w2 <- wilson(k2, n2)
rd <- p1 - p2
rd_lo <- rd - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2)
rd_hi <- rd + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2)
nnh <- list(rd = rd, rd_lower = rd_lo, rd_upper = rd_hi,
            value = 1 / rd, lower = 1 / rd_hi, upper = 1 / rd_lo)

# --- Bayes ----------------------------------------------------------------------------
crit <- qnorm(1 - (1 - level) / 2)
se <- (log(hr_hi) - log(hr_lo)) / (2 * crit)
sd0 <- abs(log(design_hr)) / qnorm(0.95)
priors <- list(flat = list(mean = 1, sd = NA), sceptical = list(mean = 1, sd = sd0),
               enthusiastic = list(mean = design_hr, sd = sd0))
grid_points <- c(-1.2, -0.5, log(hr), 0, 0.4)
bayes <- list()
for (name in names(priors)) {
  pr <- priors[[name]]
  if (is.na(pr$sd)) { m <- log(hr); s <- se } else {
    prec <- 1 / se^2 + 1 / pr$sd^2
    m <- (log(hr) / se^2 + log(pr$mean) / pr$sd^2) / prec
    s <- sqrt(1 / prec)
  }
  for (threshold in c(1, design_hr)) {
    bayes[[length(bayes) + 1]] <- list(
      prior = name, prior_mean = pr$mean, prior_sd = pr$sd, threshold = threshold,
      probability_below_threshold = pnorm((log(threshold) - m) / s),
      probability_below_1 = pnorm(-m / s),
      posterior_median = exp(m), lower = exp(m - crit * s), upper = exp(m + crit * s),
      mean_log = m, sd_log = s,
      grid = grid_points,
      posterior_density = dnorm(grid_points, m, s),
      likelihood_density = dnorm(grid_points, log(hr), se),
      prior_density = if (is.na(pr$sd)) NA else dnorm(grid_points, log(pr$mean), pr$sd))
  }
}

# --- icon arrays: whole people out of 100, rounded half up -----------------------------
icons <- list(pfs_6 = floor(c(40.9, 28.6) + 0.5), ae = floor(c(45.2, 8.3) + 0.5))

out <- list(
  generated_with = paste(R.version.string, "(base R)"),
  landmark_6 = landmark, hr_6 = hr_method, model_hr = model_hr, rmst = rmst_cases,
  median_gain = med_t - med_c, nnt = nnt, nnh = nnh, sceptical_sd = sd0, se_log = se,
  bayes = bayes, icons = icons
)
write_json(out, "interpretation.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
