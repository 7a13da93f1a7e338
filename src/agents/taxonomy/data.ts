/**
 * Data, analytics and machine-learning practices. The tools (pandas, Spark,
 * Tableau, …) are in technology.ts; product analytics tools in business.ts.
 */
import { group } from './entry.ts'
import type { SkillEntry } from './taxonomy.types.ts'

/** Words that put a sentence or a log in model-building territory. */
const MODEL_WORK = /\b(?:models?|training|trained|classifier|auc|ml|machine learning|lightgbm|xgboost|regression|predict\w*|epochs?)\b/

const DATA_PRACTICES = group('practice', [
  ['Machine Learning', ['machine learning', 'ML model', 'ML models', 'machine-learning', 'model training', 'trained a model', 'classifier', 'churn model', 'propensity model', 'gradient boosted trees', 'gradient boosting', 'random forest', 'ML pipeline', 'k-means', 'kmeans', 'clustering model'], {
    properAliases: ['ML'],
    rules: [
      { when: /\b(?:trained|training|retrained|fit|fitted)\b[^;]{0,30}\b(?:models?|classifiers?|regressors?)\b|\bAUC\b|\bhyperparameters?\b|\bmodel\s+v\d\b/ },
      { when: /\bre-?trained\b/, within: /\b(?:models?|classifier|features?|precision|recall|auc)\b/ },
    ],
  }],
  ['Deep Learning', ['neural network', 'neural networks', 'deep learning', 'CNN', 'LSTM']],
  ['Natural Language Processing', ['NLP', 'text classification', 'intent detection', 'intent classification', 'named entity recognition', 'sentiment analysis', 'BERT', 'RoBERTa', 'tokenizer', 'topic modeling']],
  ['Large Language Models', ['LLM', 'LLMs', 'retrieval-augmented generation', 'prompt engineering', 'embeddings', 'eval harness', 'LLM evals', 'prompt templates'], { properAliases: ['RAG'] }],
  ['Model Fine-Tuning', ['LoRA', 'QLoRA'], {
    rules: [{ when: [/\bfine[- ]?tun(?:ed|ing|e)\b/, /\b(?:models?|bert|llm|gpt|transformers?|lora|classifier|epochs?|checkpoints?|dataset)\b/] }],
  }],
  ['Computer Vision', ['computer vision', 'image classification', 'object detection', 'image segmentation', 'OCR']],
  ['Recommendation Systems', ['recommender system', 'recommendation engine', 'recommendation model', 'collaborative filtering']],
  ['MLOps', ['model serving', 'model registry', 'model monitoring', 'MLOps', 'feature store']],
  ['Feature Engineering', ['feature engineering', 'feature selection'], {
    rules: [{
      when: /\bfeatures?\b[^;]{0,40}\b(?:built|engineered|derived|computed|extracted)\b|\b(?:built|engineered|derived|computed|extracted)\s+(?:\w+\s+){0,2}features\b/,
      within: MODEL_WORK,
    }],
  }],
  ['Time Series Forecasting', ['time series forecasting', 'time-series forecasting', 'demand forecast', 'demand forecasting', 'forecast model', 'forecasting model', 'time series', 'ARIMA', 'SARIMA', 'exponential smoothing']],
  ['Statistics', ['statistical analysis', 'regression analysis', 'statistical significance', 'hypothesis testing', 'sequential test', 't-test', 'chi-square', 'confidence interval', 'confidence intervals', 'p-value', 'p-values', 'Bayesian', 'Monte Carlo simulation', 'bootstrapped'], {
    mode: 'rule',
    rules: [{ when: /\bCIs?\s+(?:excludes?|includes?|crosses)\s+(?:0|zero)\b|\bstatistically significant\b|\bsignificant at\b|\bp\s?[<=]\s?0?\.\d+|\bpower analysis\b|\bsample size\b/ }],
  }],
  ['A/B Testing', ['A/B test', 'A/B tests', 'A/B testing', 'AB test', 'split test', 'experimentation platform', 'online experiment', 'multivariate test'], {
    rules: [{ when: /\b(?:test|experiment)\s+readout\b|\bship(?:ping|ped)?\s+(?:the\s+)?(?:winning\s+)?variant\b|\b\d{2}\/\d{2}\s+split\b|\bvariant\s+[a-d]\b|\b(?:control|treatment)\s+(?:group|arm)\b|\bexperiment\b[^;]{0,40}\b(?:variants?|lift\w*|significan\w*|control|holdout)\b/ }],
  }],
  ['Data Analysis', ['data analysis', 'data analytics', 'exploratory analysis', 'exploratory data analysis', 'analyzed the data', 'analysed the data', 'crosstabs', 'cross-tabs', 'pivot table', 'pivot tables', 'ad hoc analysis'], {
    nameAliases: ['EDA'],
    rules: [{ when: /\bdata pulls?\b/ }, {
      when: /\banaly[sz](?:ed|ing|is)\b/,
      unless: /\b(?:funnel|competitive|competitor|root[- ]cause|cohort|threat|static|code|log|crash|requirements|gap|swot|impact|variance|sentiment)\s+analy/,
    }],
  }],
  ['Customer Segmentation', ['customer segmentation', 'market segmentation', 'segmentation analysis', 'user segments']],
  ['Anomaly Detection', ['anomaly detection', 'anomaly alerts']],
  ['Cohort Analysis', ['cohort analysis', 'retention cohorts', 'cohort retention'], {
    rules: [{ when: /\b(?:retention|churn|activation|ltv)\b[^;]{0,30}\b(?:by|per)\s+(?:signup\s+|monthly\s+|weekly\s+)?cohorts?\b|\bcohorts?\b[^;]{0,30}\b(?:retention|churn)\b/ }],
  }],
  ['Funnel Analysis', ['funnel analysis', 'conversion funnel', 'funnel'], { implies: ['Product Analytics'] }],
  ['Product Analytics', ['product analytics', 'event tracking', 'tracking plan', 'analytics events', 'analytics instrumentation'], {
    rules: [{ when: /\banalytics\b[^;]{0,40}\b(?:events?|tracking|instrument\w*|taxonomy|clean\s?up|properties)\b|\bevent names?\b|\btracking plan\b/ }],
  }],
  ['Data Visualization', ['data visualization', 'data visualisation', 'visualizations', 'dashboarding'], {
    rules: [{
      when: /\b(?:built|rebuilt|created|designed|made|set up|redesigned)\b[^;]{0,60}\b(?:dashboards?|charts|visuali[sz]ations)\b/,
      unless: /\b(?:grafana|datadog|kibana|new relic|cloudwatch|monitoring|alert\w*|sentry|observability)\b/,
    }],
  }],
  ['Data Cleaning', ['data cleaning', 'data cleansing', 'data cleanup', 'deduplication', 'deduplicated', 'dedup', 'dedupe', 'de-duplicated'], {
    rules: [{ when: /\b(?:duplicate|dupe)\s+(?:accounts|records|rows|entries|customers|companies)\b/ }],
  }],
  ['Entity Resolution', ['entity resolution', 'record linkage', 'fuzzy matching', 'fuzzy match', 'identity resolution']],
  ['ETL', ['ELT', 'data pipeline', 'data pipelines', 'ingestion pipeline', 'ingestion pipelines', 'CDC pipeline'], {
    rules: [
      { when: /\b(?:load\w*|ingest\w*|sync\w*|replicat\w*|export\w*|backfill\w*)\b[^;]{0,40}\binto\s+(?:the\s+)?(?:\w+\s+)?(?:warehouse|lake|lakehouse|snowflake|bigquery|redshift|databricks)\b/ },
      { when: /\bbackfill\w*/, within: /\b(?:warehouse|pipelines?|dags?|etl|elt|snowflake|bigquery|redshift)\b/ },
      { when: /\bincremental loads?\b|\b(?:->|→|to)\s+(?:the\s+)?warehouse\s+sync\b|\bwarehouse sync\b/ },
    ],
  }],
  ['Data Warehousing', ['data warehouse', 'data warehousing', 'data mart', 'data lake', 'lakehouse']],
  ['Data Quality', ['data quality', 'data validation', 'data contracts', 'data quality checks', 'data quality tests'], {
    rules: [{ when: /\bdbt tests?\b|\b(?:not_null|accepted_values|unique)\s*(?:,|and)\s*(?:not_null|accepted_values|unique)\b/ }],
  }],
])

export const DATA_ENTRIES: readonly SkillEntry[] = DATA_PRACTICES
