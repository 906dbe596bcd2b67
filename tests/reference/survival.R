# Reference values for tests/stats/test_survival.py: Kaplan–Meier, log-rank, Cox and RMST,
# from R's survival package.
#
# Run:  cd tests/reference && Rscript survival.R   (writes survival.json beside this script)
#
# The data sets are written into the JSON too, so Python reads exactly the data R used:
# * lung       survival::lung, event = status == 2, group = sex (1 male, 2 female),
#              treat = sex == 2 (female is "treatment" for coxph / RMST differences).
# * lung_ecog  the same without the one row whose ph.ecog is NA; strata = ph.ecog.
# * aml        survival::aml, event = status, group = x ("Maintained", "Nonmaintained"),
#              treat = x == "Maintained".
# * palmira    simulated with set.seed(2023): 136 treatment vs 62 control patients, exponential
#              PFS with medians 4.2 and 3.6 months, uniform censoring on (0, 24) months, times
#              rounded to 0.01 month (so there are ties); strata = a simulated "visceral
#              disease" flag (P = 0.611), as PALMIRA stratified on visceral involvement.
#
# Values stored (all unrounded R fields):
# * survfit(Surv(time, event) ~ 1) per arm, conf.type "log", "log-log", "plain", conf.int
#   0.95 and 0.9: $time, $n.risk, $n.event, $n.censor, $surv, $std.err, $lower, $upper;
#   quantile(fit, 0.5) (median and its CI) and summary(fit)$table, whose median comes from
#   survival:::survmean() (the rule print(fit) uses), together with
#   summary(fit, rmean = tau)$table[c("rmean", "se(rmean)")] at two values of tau.
# * survdiff(Surv(time, event) ~ group [+ strata(s)]): $chisq, p = pchisq(.., 1, lower = FALSE),
#   rowSums of $obs and $exp (per group, in factor-level order).
# * coxph(Surv(time, event) ~ treat [+ strata(s)], ties = "efron" / "breslow"): coef, se,
#   exp(coef), Wald p from summary()$coefficients, and exp(confint(fit, level)) at 0.95, 0.9.
# * Edge cases: a curve that stays at exactly 0.5 to the end (quantile() and print() disagree),
#   a curve that drops to 0 (std.err Inf, limits NA/NaN), and rmean with tau beyond the last
#   time (survmean extends the last value of the curve flat).
#
# jsonlite writes NA as "NA", NaN as "NaN" and Inf as "Inf" (strings); the tests map them back.

library(survival)
library(jsonlite)

km_fit <- function(time, event, conf_type, level) {
  survfit(Surv(time, event) ~ 1, conf.type = conf_type, conf.int = level)
}

km_case <- function(time, event, conf_type, level, taus) {
  fit <- km_fit(time, event, conf_type, level)
  q <- quantile(fit, 0.5)
  tab <- summary(fit)$table
  rmean <- lapply(taus, function(tau) {
    t <- summary(fit, rmean = tau)$table
    list(tau = tau, rmean = unname(t["rmean"]), se = unname(t["se(rmean)"]))
  })
  list(
    conf_type = conf_type, level = level,
    time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event, n_censor = fit$n.censor,
    surv = fit$surv, std_err = fit$std.err, lower = fit$lower, upper = fit$upper,
    median = unname(q$quantile), median_lower = unname(q$lower), median_upper = unname(q$upper),
    print_median = unname(tab["median"]),
    print_median_lower = unname(tab[paste0(level, "LCL")]),
    print_median_upper = unname(tab[paste0(level, "UCL")]),
    rmean = rmean
  )
}

logrank_case <- function(d, stratified) {
  fit <- if (stratified) {
    survdiff(Surv(time, event) ~ group + strata(strata), data = d)
  } else {
    survdiff(Surv(time, event) ~ group, data = d)
  }
  obs <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
  exp <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
  list(
    stratified = stratified, statistic = fit$chisq,
    p = pchisq(fit$chisq, df = length(fit$n) - 1, lower.tail = FALSE),
    df = length(fit$n) - 1, groups = sort(unique(d$group)),
    observed = unname(obs), expected = unname(exp)
  )
}

cox_case <- function(d, stratified, ties) {
  fit <- if (stratified) {
    coxph(Surv(time, event) ~ treat + strata(strata), data = d, ties = ties)
  } else {
    coxph(Surv(time, event) ~ treat, data = d, ties = ties)
  }
  co <- summary(fit)$coefficients
  ci <- lapply(c(0.95, 0.9), function(level) {
    list(level = level, lower = unname(exp(confint(fit, level = level))[1, 1]),
         upper = unname(exp(confint(fit, level = level))[1, 2]))
  })
  list(
    stratified = stratified, ties = ties, coef = co[1, "coef"], hr = co[1, "exp(coef)"],
    se = co[1, "se(coef)"], p = co[1, "Pr(>|z|)"], ci = ci
  )
}

dataset_cases <- function(d, arms, taus, strata_cases) {
  km <- list()
  for (arm in arms) {
    sub <- d[d$group == arm, ]
    for (conf_type in c("log", "log-log", "plain")) {
      for (level in c(0.95, 0.9)) {
        case <- km_case(sub$time, sub$event, conf_type, level, taus)
        km[[length(km) + 1]] <- c(list(arm = arm), case)
      }
    }
  }
  logrank <- list(logrank_case(d, FALSE))
  cox <- list(cox_case(d, FALSE, "efron"), cox_case(d, FALSE, "breslow"))
  if (strata_cases) {
    logrank[[2]] <- logrank_case(d, TRUE)
    cox[[3]] <- cox_case(d, TRUE, "efron")
    cox[[4]] <- cox_case(d, TRUE, "breslow")
  }
  list(km = km, logrank = logrank, cox = cox)
}

# ---- data ---------------------------------------------------------------------------------
lung_d <- data.frame(
  time = lung$time, event = as.integer(lung$status == 2), group = lung$sex,
  treat = as.integer(lung$sex == 2), strata = lung$ph.ecog
)
lung_ecog_d <- lung_d[!is.na(lung_d$strata), ]
aml_d <- data.frame(
  time = aml$time, event = aml$status, group = as.character(aml$x),
  treat = as.integer(aml$x == "Maintained")
)

set.seed(2023)
n_treat <- 136
n_control <- 62
latent <- c(rexp(n_treat, log(2) / 4.2), rexp(n_control, log(2) / 3.6))
censor <- runif(n_treat + n_control, 0, 24)
sim_time <- pmax(round(pmin(latent, censor), 2), 0.01)
# Re-read through the printed decimal, so R and Python hold the same double.
sim_time <- as.numeric(sprintf("%.2f", sim_time))
palmira_d <- data.frame(
  time = sim_time, event = as.integer(latent <= censor),
  group = rep(c(1L, 0L), c(n_treat, n_control)), treat = rep(c(1L, 0L), c(n_treat, n_control)),
  strata = rbinom(n_treat + n_control, 1, 0.611)
)

as_list <- function(d) as.list(d)

# ---- cases --------------------------------------------------------------------------------
lung_cases <- dataset_cases(lung_d, c(1, 2), c(365, 730), FALSE)
lung_ecog_cases <- dataset_cases(lung_ecog_d, c(1, 2), c(365, 730), TRUE)
aml_cases <- dataset_cases(aml_d, c("Maintained", "Nonmaintained"), c(30, 45), FALSE)
palmira_cases <- dataset_cases(palmira_d, c(1, 0), c(6, 12), TRUE)

# Edge cases.
flat_half <- list(time = c(1, 2, 3, 4), event = c(1, 1, 0, 0))
to_zero <- list(time = c(1, 2, 3, 4, 5), event = c(1, 1, 0, 1, 1))
edge_km <- list()
for (name in c("flat_half", "to_zero")) {
  d <- get(name)
  for (conf_type in c("log", "log-log", "plain")) {
    edge_km[[length(edge_km) + 1]] <- c(
      list(name = name), km_case(d$time, d$event, conf_type, 0.95, c(2.5, 4))
    )
  }
}
beyond <- lapply(list(flat_half, to_zero), function(d) {
  fit <- survfit(Surv(d$time, d$event) ~ 1)
  t <- summary(fit, rmean = 10)$table
  list(time = d$time, event = d$event, tau = 10, rmean = unname(t["rmean"]),
       se = unname(t["se(rmean)"]))
})

out <- list(
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  data = list(
    lung = as_list(lung_d), lung_ecog = as_list(lung_ecog_d), aml = as_list(aml_d),
    palmira = as_list(palmira_d), flat_half = flat_half, to_zero = to_zero
  ),
  cases = list(
    lung = lung_cases, lung_ecog = lung_ecog_cases, aml = aml_cases, palmira = palmira_cases
  ),
  edge_km = edge_km,
  rmean_beyond_last_time = beyond
)

write_json(out, "survival.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
