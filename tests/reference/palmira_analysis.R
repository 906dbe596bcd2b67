# Reference values for the PALMIRA analysis (tests/analysis/test_palmira_analysis.py).
# Each value is computed here independently of explorer, from the figures printed in the
# ASCO 2023 abstract (NCT03809988). Run: Rscript palmira_analysis.R  (writes palmira_analysis.json)
suppressPackageStartupMessages({library(rpact); library(jsonlite)})
out <- list()

# --- Counts behind printed percentages (brute force over whole numbers) -------------
fits <- function(pct, n, dec = 1) { k <- 0:n; k[abs(100 * k / n - pct) <= 0.5 * 10^-dec + 1e-9] }
splits <- list()
for (n1 in 1:137) {
  n2 <- 138 - n1
  a <- fits(6.4, n1); b <- fits(33.0, n1); c <- fits(2.3, n2); d <- fits(29.5, n2)
  if (length(a) && length(b) && length(c) && length(d))
    splits[[length(splits) + 1]] <- list(n1 = n1, n2 = n2, orr1 = a[1], cbr1 = b[1], orr2 = c[1], cbr2 = d[1])
}
out$measurable_splits <- splits
largest <- function(pct, nmax) { for (n in nmax:ceiling(0.8 * nmax)) { k <- fits(pct, n); if (length(k)) return(list(n = n, k = k[1])) } }
out$ae_g34 <- list(treatment = largest(45.2, 136), control = largest(8.3, 62))
out$baseline <- list(ecog0 = fits(61.1, 198), visceral = fits(61.1, 198), ai_first_line = fits(89.9, 198))
out$allocation_ci <- as.numeric(prop.test(136, 198, correct = FALSE)$conf.int)

# --- Hazard ratio, CI and p (Wald, Altman & Bland 2011) -----------------------------
wald <- function(est, lo, hi, level = 0.95) {
  se <- (log(hi) - log(lo)) / (2 * qnorm(0.5 + level / 2))
  c(se = se, p = 2 * pnorm(-abs(log(est) / se)))
}
w <- wald(0.8, 0.6, 1.1)
out$wald <- list(se = unname(w["se"]), p = unname(w["p"]),
                 p90 = unname(wald(0.8, 0.6, 1.1, 0.90)["p"]), p99 = unname(wald(0.8, 0.6, 1.1, 0.99)["p"]))
grid <- expand.grid(est = 0.8 + c(-0.05, 0.05), lo = 0.6 + c(-0.05, 0.05), hi = 1.1 + c(-0.05, 0.05))
ps <- apply(unname(as.matrix(grid)), 1, function(r) unname(wald(r[1], r[2], r[3]))[2])
out$wald_p_range <- c(min(ps), max(ps))
out$ci_centre <- sqrt(0.6 * 1.1)

# --- Exponential model ---------------------------------------------------------------
out$hr_from_medians <- 3.6 / 4.2
s6 <- function(m) 100 * 0.5^(6 / m)
out$landmark6_from_median <- list(treatment = c(s6(4.2), s6(3.5), s6(5.8)), control = c(s6(3.6), s6(2.7), s6(4.2)))
out$median_from_landmark6 <- list(treatment = 6 * log(2) / -log(0.409), control = 6 * log(2) / -log(0.286))
out$hr_from_landmark6 <- log(0.409) / log(0.286)

# --- Design (rpact) ------------------------------------------------------------------
ev <- function(hr, type) getSampleSizeSurvival(hazardRatio = hr, allocationRatioPlanned = 2, sided = 2,
                                               alpha = 0.05, beta = 0.2, typeOfComputation = type,
                                               lambda2 = log(2) / 3.6, accrualTime = c(0, 42), followUpTime = 6)$eventsFixed
out$events_schoenfeld <- ev(0.59, "Schoenfeld")
out$events_freedman <- ev(0.59, "Freedman")
out$events_for_observed <- ev(0.8, "Schoenfeld")
pw <- function(hr) getPowerSurvival(maxNumberOfEvents = 155, hazardRatio = hr, allocationRatioPlanned = 2,
                                    sided = 2, alpha = 0.05, typeOfComputation = "Schoenfeld",
                                    lambda2 = log(2) / 3.6, accrualTime = c(0, 42), maxNumberOfSubjects = 198)$overallReject
out$power_design <- pw(0.59)
out$power_observed <- pw(0.8)
# Smallest detectable HR at 155 events with 80% power: root of the Schoenfeld power.
out$detectable_hr <- uniroot(function(h) pnorm(abs(log(h)) * sqrt(155 * 2) / 3 - qnorm(0.975)) - 0.8,
                             c(0.3, 0.99), tol = 1e-12)$root

# --- Two-arm comparisons (base R) ------------------------------------------------------
newcombe <- function(k1, n1, k2, n2, level = 0.95) {
  w1 <- prop.test(k1, n1, correct = FALSE, conf.level = level)$conf.int
  w2 <- prop.test(k2, n2, correct = FALSE, conf.level = level)$conf.int
  p1 <- k1 / n1; p2 <- k2 / n2; d <- p1 - p2
  c(d, d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2), d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
cmp <- function(k1, n1, k2, n2) {
  f <- fisher.test(matrix(c(k1, n1 - k1, k2, n2 - k2), 2, byrow = TRUE))
  rr <- (k1 / n1) / (k2 / n2); se <- sqrt(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2)
  list(rd = newcombe(k1, n1, k2, n2), rr = c(rr, rr * exp(-qnorm(0.975) * se), rr * exp(qnorm(0.975) * se)),
       or = c(unname(f$estimate), f$conf.int), fisher_p = f$p.value)
}
out$orr <- cmp(6, 94, 1, 44)
out$cbr <- cmp(31, 94, 13, 44)
out$ae_g34_cmp <- cmp(61, 135, 5, 60)

write_json(out, "palmira_analysis.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
