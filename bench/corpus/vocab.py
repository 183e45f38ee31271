"""Word pools the generator draws values from. All people are synthetic combinations.

Entries with ``|`` are synonym groups (``"hypertension|HTN|high blood pressure"``): a group is
assigned to dev or test as a whole so the test split never sees a variant of a dev value.
"""

from __future__ import annotations


def _words(block: str) -> list[str]:
    return block.split()


# Patient / relative first names: diverse origins, and many that are also English words.
FIRST_NAMES = _words("""
Maria Jose Luis Carmen Ana Juan Sofia Diego Valentina Mateo Camila Santiago Lucia Alejandro
Ximena Rafael Guadalupe Esperanza Dolores Consuelo Aiyana Takoda Nizhoni Wei Ming Li Jun Mei
Hiroshi Yuki Sakura Haruto Aiko Kenji Min-jun Seo-yeon Ji-ho Hyun Priya Arjun Ananya Rohan
Deepika Vikram Lakshmi Sanjay Aarav Fatima Omar Aisha Yusuf Layla Hassan Zainab Karim Noor
Amira Tariq Olumide Chinwe Emeka Ngozi Kwame Abena Kofi Amara Tendai Zuri Thandiwe Sipho
Oluwaseun Dmitri Olga Ivan Svetlana Nikolai Katya Piotr Agnieszka Bogdan Irina Lars Ingrid Sven
Astrid Bjorn Freya Siobhan Declan Niamh Padraig Aoife Giulia Marco Francesca Luca Chiara Matteo
Nguyen Linh Thanh Bao Minh Anh Tuan Mai Kai Leilani Keanu Malia Emma Olivia Liam Noah Ava Ethan
Isabella Mason Mia Lucas Harper Elijah Evelyn James Abigail Benjamin Ella Henry Scarlett Jack
Chloe Owen Zoey Wyatt Nora Caleb Hannah Levi Stella Isaac Aurora Connor Hazel Gavin Violet
Jasmine Tyrone Keisha DeShawn Latoya Marquis Ebony Darnell Imani Jamal Shanice Terrell Aaliyah
Hope Will Grace May Faith Mark Rose Joy Bill Amber Dawn June April Summer Chase Drew Hunter
Ivy Pat Penny Destiny Iris Ruby Crystal Brook Sunny Autumn Skye Rich Gay Robin Sandy Misty
Holly Ginger Honey Charity Trinity Liberty Heather Daisy Lily Jade Pearl Forrest Glen Dale
""")

LAST_NAMES = _words("""
Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera
Gomez Diaz Reyes Morales Cruz Ortiz Gutierrez Chavez Ramos Mendoza Ruiz Alvarez Castillo Jimenez
Vasquez Romero Herrera Medina Aguilar Vargas Guzman Salazar Nakamura Tanaka Watanabe Yamamoto
Kobayashi Sato Suzuki Takahashi Kim Park Choi Jung Kang Cho Yoon Jang Lim Han Wang Zhang Liu
Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Patel Shah Singh Kumar Sharma Gupta Reddy Rao
Iyer Nair Desai Mehta Joshi Chatterjee Banerjee Khan Ahmed Ali Hussain Rahman Siddiqui Haddad
Nasser Khalil Mansour Farouk Okafor Adeyemi Okonkwo Mensah Boateng Owusu Nwosu Eze Abiodun
Mbeki Dlamini Ndlovu Kariuki Otieno Wanjiru Ivanova Petrov Smirnov Volkov Kowalski Nowak
Wisniewski Novak Horvat Kovacs Nagy Lindqvist Johansson Andersen Nilsen Virtanen Murphy Kelly
O'Brien O'Sullivan McCarthy Byrne Gallagher Doyle Rossi Russo Ferrari Esposito Bianchi Romano
Colombo Ricci Marino Greco Bruno Nguyen Tran Le Pham Hoang Huynh Vo Dang Bui Do Kahale Akana
Smith Johnson Williams Jones Davis Miller Wilson Anderson Taylor Thomas Moore Jackson Martin
Thompson Harris Clark Lewis Robinson Walker Allen Scott Adams Nelson Carter Mitchell Roberts
Campbell Parker Evans Edwards Collins Stewart Morris Rogers Cook Morgan Bell Murphy Bailey
Cooper Richardson Cox Howard Ward Peterson Gray James Watson Brooks Bennett Wood Barnes Ross
Henderson Coleman Jenkins Perry Powell Long Patterson Hughes Washington Butler Simmons Foster
Bryant Alexander Russell Griffin Hayes Myers Ford Hamilton Graham Sullivan Wallace West Jordan
Reynolds Fisher Ellis Harrison Gibson McDonald Marshall Owens Kennedy Wells Rice Price Hall
Frost Moody Best Sharp Little Love Story Brown White Black Green Young King Hill Bush Stone
Banks Fields Lane Hope Summers Winter Snow Rivers Woods Knight Bishop Page Church Gentry
""")

# Titled clinicians get their own surname pool so a provider never shares a patient's name.
PROVIDER_LAST = _words("""
Okoye Abernathy Balogun Castellanos Delacroix Eriksen Fitzgerald Ghosh Halvorsen Ibarra
Jorgensen Kaczmarek Lindgren Moreau Nakashima Oyelaran Pellegrino Quintero Rasmussen Sorensen
Thibodeaux Umarov Valdivia Whitfield Yamaguchi Zielinski Achebe Bhattacharya Cardenas Dubois
Estrada Fairbanks Gallardo Hakimi Inoue Jaramillo Kowalczyk Lachance Mukherjee Nordstrom
Ochoa Pacheco Quigley Ramaswamy Saavedra Tremblay Urquhart Villanueva Wojcik Xiong Yilmaz
Zamora Albright Beaumont Chowdhury Dominguez Ellingson Ferreira Goldberg Hargrove Iqbal
Jablonski Kapoor Lundqvist Marchetti Nakagawa Oduya Prakash Rosenthal Szabo Takeda Uribe
Vance Weatherby Yoshida Zimmer Hope Will Love King Young Sharp Moody Frost Wise Noble
""")

PROVIDER_FIRST = _words("""
Anita Benedict Camille Dariusz Elena Farid Gloria Hamid Ines Jonah Kavya Lorenzo Marisol
Nikhil Odette Paolo Renata Sameer Tatiana Umberto Vera Wendell Yara Zoltan Adaeze Bertrand
Cecilia Dominic Esther Felix Greta Hector Ilse Julian Karina Leopold Miriam Nadia Oscar
""")

STREET_NAMES = _words("""
Maple Oak Cedar Elm Willow Birch Pine Aspen Magnolia Sycamore Chestnut Juniper Hawthorn Laurel
Hope Grace Liberty Union Harbor Lakeshore Ridge Valley Meadow Orchard Prairie Summit Canyon
Sunset Sunrise Highland Fairview Riverside Brookside Hillcrest Crestview Woodland Forest Spring
Mill Church Market Bridge Railroad Depot Franklin Jefferson Madison Lincoln Washington Adams
Monroe Jackson Hamilton Kennedy Cherry Peach Walnut Hickory Poplar Cypress Redwood Sequoia
Mulberry Dogwood Primrose Lilac Clover Heather Bayberry Foxglove Larkspur Tamarack Alder
""")

STREET_SUFFIXES = [
    "St", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd", "Dr", "Drive", "Ln", "Lane", "Way",
    "Ct", "Court", "Pl", "Place", "Ter", "Terrace", "Cir", "Circle", "Pkwy", "Hwy", "Trail",
]

UNITS = ["Apt 4B", "Apt. 12", "Unit 3", "#207", "Apt 1A", "Suite 5", "Unit C", "Apt 302",
         "Lot 14", "Apt #9", "Unit 11-F", "Bldg 2 Apt 6", "Trlr 8", "Apt 2R"]

# City, state pairs (cities are real place names; nothing else about them is).
CITIES = [
    ("Springfield", "IL"), ("Dayton", "OH"), ("Fresno", "CA"), ("Tulsa", "OK"), ("Boise", "ID"),
    ("Spokane", "WA"), ("Macon", "GA"), ("Provo", "UT"), ("Duluth", "MN"), ("Albany", "NY"),
    ("Erie", "PA"), ("Laredo", "TX"), ("Yuma", "AZ"), ("Pueblo", "CO"), ("Topeka", "KS"),
    ("Peoria", "IL"), ("Akron", "OH"), ("Flint", "MI"), ("Lansing", "MI"), ("Madison", "WI"),
    ("Green Bay", "WI"), ("Sioux Falls", "SD"), ("Fargo", "ND"), ("Billings", "MT"),
    ("Cheyenne", "WY"), ("Reno", "NV"), ("Eugene", "OR"), ("Salem", "OR"), ("Tacoma", "WA"),
    ("Modesto", "CA"), ("Bakersfield", "CA"), ("Oxnard", "CA"), ("El Paso", "TX"),
    ("Lubbock", "TX"), ("Waco", "TX"), ("Shreveport", "LA"), ("Mobile", "AL"),
    ("Huntsville", "AL"), ("Savannah", "GA"), ("Columbia", "SC"), ("Durham", "NC"),
    ("Asheville", "NC"), ("Roanoke", "VA"), ("Richmond", "VA"), ("Wilmington", "DE"),
    ("Trenton", "NJ"), ("Hartford", "CT"), ("Providence", "RI"), ("Worcester", "MA"),
    ("Portland", "ME"), ("Burlington", "VT"), ("Manchester", "NH"), ("Scranton", "PA"),
    ("Toledo", "OH"), ("Gary", "IN"), ("Evansville", "IN"), ("Joplin", "MO"), ("Wichita", "KS"),
    ("Amarillo", "TX"), ("Las Cruces", "NM"), ("Flagstaff", "AZ"), ("Ogden", "UT"),
    ("Bend", "OR"), ("Yakima", "WA"), ("Missoula", "MT"), ("Casper", "WY"), ("Rapid City", "SD"),
    ("Cedar Rapids", "IA"), ("Davenport", "IA"), ("Rochester", "MN"), ("Kenosha", "WI"),
    ("Muncie", "IN"), ("Lexington", "KY"), ("Bowling Green", "KY"), ("Knoxville", "TN"),
    ("Chattanooga", "TN"), ("Tupelo", "MS"), ("Biloxi", "MS"), ("Pensacola", "FL"),
    ("Ocala", "FL"), ("Gainesville", "FL"), ("Augusta", "GA"), ("Athens", "GA"),
    ("Hope", "AR"), ("Faith", "SD"), ("Paris", "TX"), ("Florence", "AL"), ("Marion", "OH"),
]

EMAIL_DOMAINS = ["mail.example", "inbox.example", "postbox.example", "webmail.example",
                 "fastmail.example", "letters.example", "mymail.example", "homenet.example",
                 "carrier.example", "example.com", "example.net", "example.org"]

URL_HOSTS = ["photos.example", "social.example", "blog.example", "fundraise.example",
             "profile.example", "myspace.example", "video.example", "people.example",
             "family.example", "pics.example", "journal.example", "site.example"]

CONDITIONS = [
    "type 2 diabetes|T2DM|diabetes mellitus type 2|DM2", "type 1 diabetes|T1D|T1DM",
    "hypertension|HTN|high blood pressure", "hyperlipidemia|HLD|high cholesterol",
    "COPD|chronic obstructive pulmonary disease", "asthma|moderate persistent asthma",
    "CHF|congestive heart failure|heart failure", "atrial fibrillation|AFib|a-fib",
    "coronary artery disease|CAD", "HIV|HIV+|HIV positive", "AIDS",
    "hepatitis C|hep C|HCV", "hepatitis B|hep B|HBV",
    "major depressive disorder|MDD|depression", "generalized anxiety disorder|GAD",
    "bipolar disorder|bipolar I|bipolar II", "schizophrenia|schizoaffective disorder", "PTSD",
    "OCD|obsessive-compulsive disorder", "ADHD", "autism|ASD|autism spectrum disorder",
    "anorexia nervosa|anorexia", "bulimia", "opioid use disorder|OUD",
    "alcohol use disorder|AUD|alcoholism", "substance use disorder|SUD",
    "breast cancer|stage II breast cancer", "prostate cancer", "lung cancer|NSCLC",
    "colon cancer|colorectal cancer", "leukemia|AML|CLL", "lymphoma|non-Hodgkin lymphoma",
    "melanoma", "pancreatic cancer", "ovarian cancer", "multiple sclerosis|MS|RRMS",
    "Parkinson's disease|Parkinson's", "Alzheimer's disease|Alzheimer's|dementia",
    "epilepsy|seizure disorder", "migraines|chronic migraine",
    "CKD|chronic kidney disease|CKD stage 3", "ESRD|end-stage renal disease", "cirrhosis",
    "Crohn's disease|Crohn's", "ulcerative colitis|UC", "IBS|irritable bowel syndrome",
    "GERD|acid reflux", "celiac disease", "rheumatoid arthritis|RA", "osteoarthritis|OA",
    "lupus|SLE", "gout", "psoriasis|psoriatic arthritis", "eczema|atopic dermatitis",
    "fibromyalgia", "hypothyroidism|Hashimoto's", "hyperthyroidism|Graves' disease",
    "osteoporosis", "morbid obesity|obesity", "sleep apnea|OSA|obstructive sleep apnea",
    "stroke|CVA", "TIA|mini-stroke", "DVT|deep vein thrombosis", "pulmonary embolism|PE",
    "pneumonia|community-acquired pneumonia", "UTI|urinary tract infection", "chlamydia",
    "gonorrhea", "syphilis", "genital herpes|HSV-2", "HPV", "tuberculosis|TB|latent TB",
    "COVID-19|COVID", "influenza|flu A", "strep throat", "shingles", "Lyme disease",
    "MRSA infection|MRSA", "sepsis", "iron-deficiency anemia|anemia", "sickle cell disease",
    "hemophilia", "cystic fibrosis", "endometriosis", "PCOS|polycystic ovary syndrome",
    "infertility", "erectile dysfunction", "BPH|enlarged prostate", "glaucoma",
    "macular degeneration|AMD", "cataracts", "gestational diabetes", "preeclampsia",
    "postpartum depression|PPD", "concussion|TBI|traumatic brain injury", "spinal stenosis",
    "sciatica", "ALS", "Huntington's disease", "cerebral palsy", "insomnia", "narcolepsy",
    "pancreatitis", "diverticulitis", "kidney stones", "gallstones", "inguinal hernia",
    "appendicitis", "cellulitis", "C. diff|C. diff colitis", "H. pylori infection",
    "hypoglycemia", "DKA|diabetic ketoacidosis", "hyperkalemia", "angina", "cardiomyopathy",
    "mitral valve prolapse|MVP", "peripheral artery disease|PAD", "lymphedema",
    "hidradenitis suppurativa", "alopecia areata", "vitiligo", "rosacea",
    "borderline personality disorder|BPD", "panic disorder", "social anxiety disorder",
    "binge eating disorder", "gender dysphoria", "chronic pain syndrome",
    "diabetic neuropathy|peripheral neuropathy", "diabetic retinopathy", "Bell's palsy",
    "vertigo|BPPV", "tinnitus", "scoliosis", "osteomyelitis", "pressure ulcer|stage 3 bedsore",
    "miscarriage", "ectopic pregnancy", "high-risk pregnancy", "hepatic steatosis|NAFLD",
    "anaphylaxis", "celiac sprue", "Tourette syndrome", "myasthenia gravis", "sarcoidosis",
]

MEDICATIONS = [
    "metformin", "insulin glargine|Lantus", "Ozempic|semaglutide", "Wegovy", "Mounjaro|tirzepatide",
    "Jardiance|empagliflozin", "Januvia|sitagliptin", "glipizide", "lisinopril", "losartan",
    "amlodipine", "metoprolol|Toprol XL", "carvedilol", "hydrochlorothiazide|HCTZ",
    "furosemide|Lasix", "spironolactone", "atorvastatin|Lipitor", "rosuvastatin|Crestor",
    "simvastatin", "warfarin|Coumadin", "apixaban|Eliquis", "rivaroxaban|Xarelto",
    "clopidogrel|Plavix", "sertraline|Zoloft", "fluoxetine|Prozac", "escitalopram|Lexapro",
    "citalopram|Celexa", "bupropion|Wellbutrin", "venlafaxine|Effexor", "duloxetine|Cymbalta",
    "trazodone", "mirtazapine|Remeron", "lithium", "lamotrigine|Lamictal", "quetiapine|Seroquel",
    "aripiprazole|Abilify", "olanzapine|Zyprexa", "risperidone|Risperdal", "clozapine",
    "haloperidol|Haldol", "alprazolam|Xanax", "lorazepam|Ativan", "clonazepam|Klonopin",
    "diazepam|Valium", "zolpidem|Ambien", "methylphenidate|Ritalin|Concerta", "Adderall",
    "Vyvanse|lisdexamfetamine", "buprenorphine|Suboxone|Subutex", "methadone",
    "naltrexone|Vivitrol", "naloxone|Narcan", "oxycodone|OxyContin|Percocet",
    "hydrocodone|Norco|Vicodin", "tramadol", "morphine", "gabapentin|Neurontin",
    "pregabalin|Lyrica", "levetiracetam|Keppra", "topiramate|Topamax", "sumatriptan|Imitrex",
    "levothyroxine|Synthroid", "prednisone", "methotrexate", "Humira|adalimumab",
    "Enbrel|etanercept", "hydroxychloroquine|Plaquenil", "albuterol|ProAir", "Advair",
    "Symbicort", "Spiriva|tiotropium", "montelukast|Singulair", "omeprazole|Prilosec",
    "pantoprazole|Protonix", "famotidine|Pepcid", "ondansetron|Zofran", "Biktarvy", "Truvada",
    "Descovy", "Genvoya", "dolutegravir|Tivicay", "tamoxifen", "letrozole|Femara",
    "anastrozole|Arimidex", "Keytruda|pembrolizumab", "cisplatin", "Herceptin|trastuzumab",
    "Epclusa", "Harvoni", "sofosbuvir", "amoxicillin|Augmentin", "azithromycin|Z-Pak",
    "doxycycline", "ciprofloxacin|Cipro", "nitrofurantoin|Macrobid", "cephalexin|Keflex",
    "Bactrim|sulfamethoxazole-trimethoprim", "valacyclovir|Valtrex", "acyclovir",
    "fluconazole|Diflucan", "metronidazole|Flagyl", "Paxlovid", "Tamiflu|oseltamivir",
    "estradiol", "progesterone|Prometrium", "Clomid|clomiphene", "medroxyprogesterone|Depo-Provera",
    "norethindrone", "sildenafil|Viagra", "tadalafil|Cialis", "finasteride|Propecia",
    "tamsulosin|Flomax", "donepezil|Aricept", "memantine|Namenda", "carbidopa-levodopa|Sinemet",
    "allopurinol", "colchicine", "alendronate|Fosamax", "epoetin alfa|Epogen", "ferrous sulfate",
    "testosterone cypionate", "Dupixent", "Stelara", "Remicade|infliximab", "Entyvio",
    "Ocrevus", "Tecfidera", "insulin lispro|Humalog", "Novolog", "Trulicity|dulaglutide",
    "Xigduo", "Entresto", "digoxin", "amiodarone", "hydralazine", "isosorbide mononitrate",
    "nitroglycerin", "Chantix|varenicline", "disulfiram|Antabuse", "acamprosate",
    "Strattera|atomoxetine", "guanfacine|Intuniv", "buspirone|BuSpar", "hydroxyzine|Vistaril",
    "propranolol", "prazosin", "Latuda|lurasidone", "Vraylar", "Rexulti", "Spravato|esketamine",
]

MED_DOSES = ["", "", "", " 5 mg", " 10mg", " 20 mg", " 25mg", " 50 mg", " 100mg", " 250 mg",
             " 500 mg", " 500mg ER", " 1000 mg", " 0.5 mg", " 1mg", " 2 mg", " 40mg", " 81 mg",
             " 12.5 mg", " 300mg", " 150 mg XL", " 0.25mg", " 15 units", " 30mg"]

# Numeric tests: (name variants, low, high, decimals, unit choices).
NUMERIC_LABS = [
    ("A1c|HbA1c|hemoglobin A1c", 5.0, 13.5, 1, ["", "%"]),
    ("LDL|LDL cholesterol", 60, 240, 0, ["", " mg/dL"]),
    ("TSH", 0.1, 14.0, 2, ["", " mIU/L"]),
    ("potassium|K", 2.8, 6.6, 1, ["", " mmol/L"]),
    ("sodium|Na", 121, 152, 0, ["", " mEq/L"]),
    ("creatinine|Cr", 0.6, 5.4, 1, ["", " mg/dL"]),
    ("eGFR|GFR", 9, 118, 0, [""]),
    ("hemoglobin|Hgb|Hb", 6.1, 17.5, 1, ["", " g/dL"]),
    ("INR", 0.9, 6.2, 1, [""]),
    ("PSA", 0.4, 19.0, 1, ["", " ng/mL"]),
    ("fasting glucose|blood sugar|glucose", 55, 420, 0, ["", " mg/dL"]),
    ("platelets|platelet count", 38, 480, 0, ["", "K"]),
    ("WBC|white count", 1.9, 26.0, 1, [""]),
    ("vitamin D|vit D", 7, 62, 0, ["", " ng/mL"]),
    ("ferritin", 4, 900, 0, [""]),
    ("ALT", 12, 410, 0, [""]),
    ("AST", 11, 380, 0, [""]),
    ("BNP", 40, 2400, 0, [""]),
    ("troponin", 0.01, 2.5, 2, [""]),
    ("CD4 count|CD4", 45, 1150, 0, ["", " cells"]),
    ("total cholesterol", 140, 320, 0, [""]),
    ("triglycerides", 60, 900, 0, [""]),
    ("uric acid", 3.0, 11.5, 1, [""]),
    ("B12|vitamin B12", 110, 900, 0, [""]),
    ("magnesium|Mg", 1.1, 2.9, 1, [""]),
    ("calcium", 7.2, 12.1, 1, [""]),
    ("bilirubin|total bili", 0.3, 8.2, 1, [""]),
    ("lipase", 20, 1900, 0, [""]),
    ("CRP|C-reactive protein", 0.5, 180, 1, [""]),
    ("ESR|sed rate", 3, 110, 0, [""]),
    ("hCG|beta hCG", 5, 95000, 0, [""]),
    ("lithium level", 0.3, 2.1, 1, [""]),
    ("HIV viral load|viral load", 20, 480000, 0, [" copies"]),
    ("oxygen sat|O2 sat|SpO2", 82, 99, 0, ["%"]),
    ("blood pressure|BP", 0, 0, 0, [""]),
]

NUMERIC_LAB_FORMS = ["{t} of {v}", "{t} was {v}", "{t} {v}", "{t}: {v}", "{t} came back at {v}",
                     "{t} is {v}", "{t} at {v}", "{t}={v}", "{t} result of {v}", "{t} up to {v}",
                     "{t} down to {v}", "{t} reading {v}"]

QUAL_ORGANISMS = ["strep|strep A", "COVID-19|COVID", "flu A|influenza A", "chlamydia",
                  "gonorrhea", "HPV|high-risk HPV", "hepatitis C|hep C", "syphilis", "H. pylori",
                  "C. diff", "MRSA", "TB|tuberculosis", "HIV", "RSV", "mono|mononucleosis",
                  "Lyme|Lyme disease", "pertussis", "trichomonas", "HSV-2", "E. coli",
                  "norovirus", "hepatitis B surface antigen", "BRCA1 mutation|BRCA2 mutation",
                  "factor V Leiden", "cocaine", "fentanyl", "opiates", "THC", "benzodiazepines"]

QUAL_FORMS = ["positive for {o}", "negative for {o}", "{o} positive", "{o} negative",
              "tested positive for {o}", "{o} test came back positive", "{o} screen: reactive",
              "{o} test was negative", "{o}+", "a positive {o} test", "{o} detected",
              "no {o} detected"]

QUAL_TESTS = ["pregnancy test positive|positive pregnancy test",
              "biopsy was benign|benign biopsy", "biopsy showed carcinoma|malignant biopsy",
              "abnormal Pap smear|Pap came back abnormal",
              "mammogram was abnormal|abnormal mammogram", "positive FIT test|FIT test positive",
              "urine culture grew E. coli", "positive TB skin test|PPD positive",
              "sperm count was low|low sperm count", "echo showed EF of 30%|EF 25%",
              "stress test was abnormal", "bone density T-score -2.8",
              "PHQ-9 score of 19|PHQ-9 of 22", "GAD-7 score 16", "MoCA score 18|MoCA of 17",
              "blood alcohol 0.21", "drug screen positive|positive UDS", "Cologuard positive",
              "AFP elevated", "Gleason 7", "ANA positive|positive ANA", "sleep study AHI 42"]

PROCEDURES = [
    "colonoscopy", "upper endoscopy|EGD", "biopsy", "MRI of the lumbar spine|lumbar MRI",
    "MRI of the brain|brain MRI", "CT of the chest|chest CT", "CT scan of the abdomen",
    "mammogram|screening mammogram", "breast biopsy", "prostate biopsy",
    "cardiac catheterization|cardiac cath|heart cath", "echocardiogram|echo", "stress test",
    "sleep study", "bone density scan|DEXA scan", "knee replacement|total knee arthroplasty|TKA",
    "hip replacement", "cataract surgery", "carpal tunnel release",
    "cholecystectomy|gallbladder removal", "appendectomy", "hysterectomy", "vasectomy",
    "tubal ligation", "C-section", "D&C", "IVF retrieval|egg retrieval", "embryo transfer",
    "amniocentesis", "chemo infusion|chemotherapy", "radiation therapy|radiation",
    "hemodialysis|dialysis", "lumbar puncture|spinal tap", "bronchoscopy", "PET scan|PET/CT",
    "cardiac ablation|ablation", "pacemaker placement", "angioplasty|stent placement",
    "CABG|bypass surgery", "mastectomy", "lumpectomy", "skin biopsy", "tonsillectomy",
    "hernia repair", "rotator cuff repair", "ACL reconstruction", "spinal fusion",
    "gastric bypass|sleeve gastrectomy", "liver biopsy", "thyroid biopsy|FNA of the thyroid",
    "ECT|electroconvulsive therapy", "TMS session|TMS therapy", "colposcopy", "cystoscopy",
    "pelvic ultrasound|transvaginal ultrasound", "nerve conduction study|EMG", "EEG",
    "Holter monitor placement", "kidney transplant evaluation", "bone marrow biopsy",
    "port placement|port-a-cath placement", "paracentesis", "thoracentesis", "cardioversion",
    "LEEP procedure", "IUD insertion", "abortion|pregnancy termination", "circumcision",
    "kyphoplasty", "epidural steroid injection", "cortisone shot in your knee",
    "allergy shots", "wound debridement", "PICC line placement", "ERCP", "sigmoidoscopy",
]

REVEALING_DEPARTMENTS = [
    "oncology|the oncology clinic", "psychiatry|outpatient psychiatry", "behavioral health",
    "the methadone clinic", "the fertility center|reproductive endocrinology",
    "the dialysis unit|dialysis center", "the HIV clinic", "infectious disease|ID clinic",
    "addiction medicine", "the substance use treatment program", "the Cancer Center",
    "radiation oncology", "hematology/oncology|hem/onc", "the memory clinic",
    "the eating disorders program", "the wound care center", "the bariatric surgery clinic",
    "the gender health clinic", "the sleep disorders center", "the transplant center",
    "the diabetes education center", "pain management", "the sexual health clinic",
    "the STD clinic", "the detox unit", "the inpatient psych unit", "maternal-fetal medicine",
    "the epilepsy center", "the prenatal clinic", "the MS center", "hospice|hospice care",
    "palliative care", "the heart failure clinic", "the anticoagulation clinic|Coumadin clinic",
    "the infusion center", "the breast health center", "the chemo suite", "the IOP program",
    "the suboxone clinic", "the dermatology oncology clinic", "the ALS clinic",
    "the sickle cell clinic", "the TB clinic", "the urology oncology clinic",
]

# Ordinary departments and places that reveal nothing; used as literal text in clean messages.
SAFE_DEPARTMENTS = [
    "primary care", "family medicine", "the front desk", "registration", "the main lobby",
    "patient services", "the billing office", "the pharmacy", "the lab on the 1st floor",
    "urgent care", "internal medicine", "pediatrics", "the east entrance", "Suite 200",
    "the check-in desk", "the walk-in clinic", "the 3rd floor", "the north tower lobby",
    "the welcome desk", "Building C", "the kiosk by the elevators", "the west wing",
]

FACILITIES = [
    "St. Brigid Medical Center", "Northgate Rehabilitation Hospital", "Riverside Skilled Nursing",
    "Maple Grove Care Center", "Harborview Behavioral Hospital", "Pinecrest Nursing Home",
    "Mercy Ridge Hospital", "Sunnybrook Assisted Living", "Valley Oaks Hospice",
    "Cedar Hollow Recovery Center", "Granite Peak Psychiatric Hospital", "Bayside Dialysis",
    "Evergreen Memory Care", "Lakeshore Women's Hospital", "Holy Cross Children's Hospital",
    "Fox Run Rehab", "Silver Pines SNF", "Clearwater Detox Center", "Brightwater LTACH",
    "Willow Creek Behavioral Health",
]

RELATIONS = ["your husband", "your wife", "your son", "your daughter", "your mom", "your dad",
             "your partner", "his wife", "her son", "the patient's daughter", "her mother",
             "his father", "your caregiver", "your grandson", "your sister", "your brother"]
