# Reference values for tests/stats/test_edge_cases.py: what R does at the edges.
#
# Run:  cd tests/reference && Rscript edge_cases.R   (writes edge_cases.json beside it)
#
# Each block takes one function of explorer.stats to a boundary (zero events, all events,
# k = 0 and k = n, n = 1 or 2, ties, a CI touching 1, HR = 1, extreme alpha and power,
# one study or identical studies) and records what base R, survival, rpact and metafor
# return there, including NaN / Inf / NA and errors, so the tests can check that we either
# agree or differ only as documented in docs/edge-cases.md.
#
# jsonlite writes NA as "NA", NaN as "NaN" and Inf as "Inf" (strings); the tests map them
# back to Python floats. An R error is stored as {"error": "<message>"}.

suppressPackageStartupMessages({
  library(jsonlite)
  library(survival)
  library(rpact)
  library(metafor)
})

# A number or a non-finite marker that survives the trip through JSON.
num <- function(x) {
  x <- unname(as.numeric(x))
  lapply(x, function(v) {
    if (is.na(v) && !is.nan(v)) "NA" else if (is.nan(v)) "NaN" else if (is.infinite(v)) {
      if (v > 0) "Inf" else "-Inf"
    } else v
  })
}
scalar <- function(x) num(x)[[1]]
caught <- function(expr) {
  tryCatch(suppressWarnings(expr), error = function(e) list(error = conditionMessage(e)))
}

# ---- binary: one proportion at k = 0, k = n and tiny n --------------------------------------
# Wilson = prop.test(correct = FALSE)$conf.int, Clopper-Pearson = binom.test()$conf.int.
proportion <- lapply(
  list(c(0, 10), c(10, 10), c(0, 1), c(1, 1), c(1, 2), c(0, 2), c(2, 2), c(0, 200)),
  function(kn) {
    k <- kn[1]; n <- kn[2]
    list(k = k, n = n,
         wilson = num(suppressWarnings(prop.test(k, n, correct = FALSE))$conf.int),
         clopper = num(binom.test(k, n)$conf.int))
  }
)

# ---- binary: two arms with zero / all events --------------------------------------------------
wilson <- function(k, n) suppressWarnings(prop.test(k, n, correct = FALSE))$conf.int
newcombe <- function(k1, n1, k2, n2) {
  p1 <- k1 / n1; p2 <- k2 / n2; a <- wilson(k1, n1); b <- wilson(k2, n2)
  rd <- p1 - p2
  c(rd, rd - sqrt((p1 - a[1])^2 + (b[2] - p2)^2), rd + sqrt((a[2] - p1)^2 + (p2 - b[1])^2))
}
compare_case <- function(k1, n1, k2, n2) {
  tab <- matrix(c(k1, n1 - k1, k2, n2 - k2), 2, byrow = TRUE)
  ft <- fisher.test(tab)
  # metafor's default for RR: add 1/2 to every cell of a table with a zero cell (to =
  # "only0"), also when both arms have no events (drop00 = FALSE in escalc).
  es <- escalc(measure = "RR", ai = k1, bi = n1 - k1, ci = k2, di = n2 - k2)
  crit <- qnorm(0.975)
  list(
    k1 = k1, n1 = n1, k2 = k2, n2 = n2,
    rd = num(newcombe(k1, n1, k2, n2)),
    rr = num(exp(c(es$yi, es$yi - crit * sqrt(es$vi), es$yi + crit * sqrt(es$vi)))),
    rr_uncorrected = scalar((k1 / n1) / (k2 / n2)),
    fisher_p = scalar(ft$p.value),
    or_estimate = scalar(ft$estimate),
    or_ci = num(ft$conf.int),
    chi2_p = scalar(suppressWarnings(chisq.test(tab, correct = FALSE))$p.value)
  )
}
compare <- lapply(
  list(c(0, 10, 0, 10), c(10, 10, 10, 10), c(0, 10, 5, 10), c(5, 10, 0, 10),
       c(10, 10, 5, 10), c(0, 10, 10, 10), c(1, 1, 0, 1), c(1, 2, 1, 2), c(0, 1, 0, 1),
       c(0, 135, 3, 60)),
  function(x) compare_case(x[1], x[2], x[3], x[4])
)

# ---- fragility at zero / all events: brute force over fisher.test ----------------------------
fisher_p <- function(k1, n1, k2, n2) {
  fisher.test(matrix(c(k1, n1 - k1, k2, n2 - k2), 2, byrow = TRUE))$p.value
}
reverse_index <- function(k1, n1, k2, n2, alpha = 0.05) {
  best <- NA
  for (g in 1:2) for (step in c(1, -1)) {
    k <- c(k1, k2); n <- c(n1, n2); changes <- 0
    repeat {
      k[g] <- k[g] + step
      if (k[g] < 0 || k[g] > n[g]) break
      changes <- changes + 1
      if (fisher_p(k[1], n1, k[2], n2) < alpha) {
        best <- min(best, changes, na.rm = TRUE)
        break
      }
    }
  }
  best
}
fragility <- lapply(
  list(c(0, 10, 0, 10), c(10, 10, 10, 10), c(1, 1, 0, 1), c(0, 1, 0, 1)),
  function(x) list(k1 = x[1], n1 = x[2], k2 = x[3], n2 = x[4],
                   p = fisher_p(x[1], x[2], x[3], x[4]),
                   reverse_index = scalar(reverse_index(x[1], x[2], x[3], x[4])))
)

# ---- effects: Wald inference from a CI that touches the null ---------------------------------
wald <- function(estimate, lower, upper, level = 0.95, log_scale = TRUE) {
  crit <- qnorm(1 - (1 - level) / 2)
  f <- if (log_scale) log else identity
  se <- (f(upper) - f(lower)) / (2 * crit)
  z <- f(estimate) / se
  list(estimate = estimate, lower = lower, upper = upper, level = level,
       log_scale = log_scale, se = se, z = z, p = 2 * pnorm(-abs(z)),
       # flat-prior posterior probability that the ratio is below 1
       prob_below_null = if (log_scale) pnorm(-f(estimate) / se) else NA)
}
from_ci <- list(
  wald(0.7, 0.49, 1.0),          # upper bound exactly 1, estimate at the geometric centre
  wald(1.3, 1.0, 1.69),          # lower bound exactly 1, estimate at the centre
  wald(0.69, 0.49, 1.0),         # upper bound 1, printed estimate off centre: p < 0.05
  wald(1.0, 0.8, 1.25),          # estimate exactly 1: z = 0, p = 1
  wald(0.7, 0.49, 1.0, level = 0.9),
  wald(0.2, 0.0, 0.4, log_scale = FALSE)  # a difference whose CI touches 0
)

# ---- design: HR = 1, extreme alpha and power --------------------------------------------------
power_rpact <- function(events, hr, alpha, sides = 2, ratio = 1) {
  design <- getDesignGroupSequential(kMax = 1, alpha = alpha, sided = sides)
  getPowerSurvival(design, lambda2 = log(2) / 12, hazardRatio = hr,
                   maxNumberOfEvents = events, maxNumberOfSubjects = 10 * max(events, 10),
                   accrualTime = c(0, 24), allocationRatioPlanned = ratio,
                   directionUpper = if (sides == 1) hr > 1 else NA)$overallReject
}
events_rpact <- function(hr, alpha, power, sides = 2, ratio = 1) {
  getSampleSizeSurvival(lambda2 = log(2) / 12, hazardRatio = hr, accrualTime = c(0, 24),
                        followUpTime = 12, allocationRatioPlanned = ratio, sided = sides,
                        alpha = alpha, beta = 1 - power)$eventsFixed
}
design <- list(
  power = lapply(
    list(c(100, 1.0, 0.05, 2), c(100, 1.0, 0.05, 1), c(155, 1.0, 0.025, 2),
         c(1, 0.7, 0.05, 2), c(20000, 0.7, 0.05, 2), c(100, 0.7, 1e-6, 2),
         c(100, 0.7, 0.4, 2)),
    function(x) list(events = x[1], hr = x[2], alpha = x[3], sides = x[4],
                     power = scalar(power_rpact(x[1], x[2], x[3], x[4])))
  ),
  events = lapply(
    list(c(0.7, 1e-6, 0.8), c(0.7, 0.4, 0.8), c(0.7, 0.05, 0.999), c(0.7, 0.05, 0.06),
         c(0.999, 0.05, 0.8)),
    function(x) list(hr = x[1], alpha = x[2], power = x[3],
                     events = scalar(events_rpact(x[1], x[2], x[3])))
  ),
  # What rpact says outside its accepted ranges (we state our own limits).
  rpact_refuses = list(
    alpha_half = caught(events_rpact(0.7, 0.5, 0.8))$error,
    power_below_005 = caught(events_rpact(0.7, 0.05, 0.03))$error,
    hr_one = caught(events_rpact(1.0, 0.05, 0.8))$error
  ),
  # sample size with no follow-up after accrual (analysis at the end of accrual)
  no_follow_up = local({
    x <- getSampleSizeSurvival(lambda2 = log(2) / 12, hazardRatio = 0.7,
                               accrualTime = c(0, 24), followUpTime = 0, alpha = 0.05,
                               beta = 0.2, sided = 2)
    list(n = x$nFixed, events = x$eventsFixed)
  })
)

# ---- survival: ties, tiny samples, all or no events -------------------------------------------
km_case <- function(name, time, event) {
  fit <- survfit(Surv(time, event) ~ 1, conf.type = "log")
  q <- quantile(fit, 0.5)
  list(name = name, time_in = time, event_in = event,
       time = num(fit$time), n_risk = num(fit$n.risk), n_event = num(fit$n.event),
       surv = num(fit$surv), std_err = num(fit$std.err), lower = num(fit$lower),
       upper = num(fit$upper), median = scalar(q$quantile), median_lower = scalar(q$lower),
       median_upper = scalar(q$upper))
}
km <- list(
  km_case("one_event", 5, 1),
  km_case("one_censored", 5, 0),
  km_case("two_patients", c(2, 4), c(1, 1)),
  km_case("all_events_one_time", c(3, 3, 3), c(1, 1, 1)),
  km_case("no_events", c(1, 2, 3), c(0, 0, 0)),
  km_case("heavy_ties", c(1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 4),
          c(1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1))
)

two_arm <- function(name, time, event, group) {
  lr <- caught(survdiff(Surv(time, event) ~ group))
  out <- list(name = name, time = time, event = event, group = group)
  out$logrank <- if (!is.null(lr$error)) lr else
    list(chisq = scalar(lr$chisq), p = scalar(pchisq(lr$chisq, 1, lower.tail = FALSE)),
         observed = num(lr$obs), expected = num(lr$exp))
  for (ties in c("efron", "breslow")) {
    fit <- caught(coxph(Surv(time, event) ~ group, ties = ties))
    out[[paste0("cox_", ties)]] <- if (!is.null(fit$error)) fit else {
      s <- summary(fit)$coefficients
      list(coef = s[1, "coef"], se = s[1, "se(coef)"], p = s[1, "Pr(>|z|)"],
           ci = num(exp(confint(fit))), converged_warning = length(fit$iter) > 0 &&
             fit$iter >= 20 || abs(s[1, "coef"]) > 10)
    }
  }
  out
}
two_arms <- list(
  # many ties in both arms: Efron and Breslow differ
  two_arm("heavy_ties",
          c(1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 4, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4),
          c(1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0),
          c(rep(0, 12), rep(1, 10))),
  # every patient has the event at the same time
  two_arm("all_tied", rep(5, 6), rep(1, 6), c(0, 0, 0, 1, 1, 1)),
  # one patient per arm
  two_arm("two_patients", c(1, 2), c(1, 1), c(0, 1)),
  # no events in the treatment arm: R's Cox coefficient runs off to -infinity
  two_arm("no_events_treatment", c(1, 2, 3, 4, 5, 6), c(1, 1, 1, 0, 0, 0), c(0, 0, 0, 1, 1, 1))
)

rmst_case <- function(name, time, event, tau) {
  t <- summary(survfit(Surv(time, event) ~ 1), rmean = tau)$table
  list(name = name, time = time, event = event, tau = tau, rmst = unname(t["rmean"]),
       se = unname(t["se(rmean)"]))
}
rmst <- list(
  rmst_case("one_patient", 5, 1, 5),
  rmst_case("all_events", c(1, 2, 3), c(1, 1, 1), 3),
  rmst_case("heavy_ties", c(1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 4),
            c(1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1), 4)
)

# ---- meta: one study, identical studies (tau2 = 0) --------------------------------------------
crit <- qnorm(0.975)
sei_of <- function(lo, hi) (log(hi) - log(lo)) / (2 * crit)
meta_case <- function(name, est, lo, hi) {
  out <- list(name = name, estimates = est, lowers = lo, uppers = hi, fits = list())
  for (method in c("FE", "DL", "REML", "PM")) for (test in c("z", "knha")) {
    fit <- caught(rma(yi = log(est), sei = sei_of(lo, hi), method = method, test = test))
    if (!is.null(fit$error)) {
      entry <- list(error = fit$error)
    } else {
      pr <- predict(fit, transf = exp)
      entry <- list(estimate = scalar(pr$pred), lower = scalar(pr$ci.lb),
                    upper = scalar(pr$ci.ub), tau2 = scalar(fit$tau2), q = scalar(fit$QE),
                    q_p = scalar(fit$QEp), se = scalar(fit$se), p = scalar(fit$pval),
                    i2 = scalar(fit$I2))
    }
    entry$method <- method
    entry$hartung_knapp <- test == "knha"
    out$fits[[length(out$fits) + 1]] <- entry
  }
  out
}
meta <- list(
  meta_case("one_study", 0.8, 0.6, 1.1),
  meta_case("identical", rep(0.8, 3), rep(0.6, 3), rep(1.1, 3))
)

out <- list(
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  rpact_version = as.character(packageVersion("rpact")),
  metafor_version = as.character(packageVersion("metafor")),
  proportion = proportion, compare = compare, fragility = fragility, from_ci = from_ci,
  design = design, km = km, two_arms = two_arms, rmst = rmst, meta = meta
)
write_json(out, "edge_cases.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
