-- A clinic: staff with a reporting line, patients, appointments, prescriptions, rooms.
CREATE TABLE departments (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(80) NOT NULL,
    floor SMALLINT NOT NULL DEFAULT 0,
    UNIQUE KEY departments_name_key (name)
);

CREATE TABLE staff (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    department_id INT NOT NULL,
    manager_id INT NULL,
    role ENUM('doctor', 'nurse', 'admin') NOT NULL,
    `firstName` VARCHAR(60) NOT NULL,
    `lastName` VARCHAR(60) NOT NULL,
    hired_on DATE NOT NULL DEFAULT (CURRENT_DATE),
    salary DECIMAL(9, 2) NULL,
    left_on DATE NULL,
    KEY staff_department_idx (department_id, left_on),
    CONSTRAINT staff_department_fk FOREIGN KEY (department_id) REFERENCES departments (id),
    CONSTRAINT staff_manager_fk FOREIGN KEY (manager_id) REFERENCES staff (id) ON DELETE SET NULL
);

CREATE TABLE patients (
    id CHAR(36) NOT NULL PRIMARY KEY,
    mrn VARCHAR(16) NOT NULL COMMENT 'medical record number',
    name VARCHAR(200) NOT NULL,
    birth_date DATE NOT NULL,
    phone VARCHAR(32) NULL,
    UNIQUE KEY patients_mrn_key (mrn)
) COMMENT = 'everyone ever treated';

CREATE TABLE rooms (
    department_id INT NOT NULL,
    number VARCHAR(8) NOT NULL,
    beds SMALLINT NOT NULL DEFAULT 1,
    PRIMARY KEY (department_id, number),
    CONSTRAINT rooms_department_fk FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE CASCADE,
    CONSTRAINT rooms_beds_check CHECK (beds >= 0)
);

CREATE TABLE `user` (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    login VARCHAR(40) NOT NULL,
    staff_id INT NULL,
    password_hash VARBINARY(64) NOT NULL,
    last_login DATETIME(3) NULL,
    UNIQUE KEY user_login_key (login),
    CONSTRAINT user_staff_fk FOREIGN KEY (staff_id) REFERENCES staff (id)
);

CREATE TABLE appointments (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    patient_id CHAR(36) NOT NULL,
    doctor_id INT NOT NULL,
    room_department INT NULL,
    room_number VARCHAR(8) NULL,
    kind ENUM('first-visit', 'follow-up', 'emergency') NOT NULL DEFAULT 'first-visit',
    starts_at DATETIME NOT NULL,
    duration_min INT NOT NULL DEFAULT 15,
    cancelled TINYINT(1) NOT NULL DEFAULT 0,
    KEY appointments_doctor_idx (doctor_id, starts_at),
    CONSTRAINT appointments_patient_fk FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE CASCADE,
    CONSTRAINT appointments_doctor_fk FOREIGN KEY (doctor_id) REFERENCES staff (id),
    CONSTRAINT appointments_room_fk FOREIGN KEY (room_department, room_number) REFERENCES rooms (department_id, number) ON DELETE SET NULL,
    CONSTRAINT appointments_duration_check CHECK (duration_min > 0 AND duration_min <= 480)
);

CREATE TABLE diagnoses (
    code VARCHAR(10) NOT NULL PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    parent_code VARCHAR(10) NULL,
    CONSTRAINT diagnoses_parent_fk FOREIGN KEY (parent_code) REFERENCES diagnoses (code)
);

CREATE TABLE appointment_diagnoses (
    appointment_id BIGINT NOT NULL,
    diagnosis_code VARCHAR(10) NOT NULL,
    is_primary TINYINT(1) NOT NULL DEFAULT 0,
    PRIMARY KEY (appointment_id, diagnosis_code),
    CONSTRAINT ad_appointment_fk FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE CASCADE,
    CONSTRAINT ad_diagnosis_fk FOREIGN KEY (diagnosis_code) REFERENCES diagnoses (code)
);

CREATE TABLE medications (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(120) NOT NULL,
    strength_mg DOUBLE NULL,
    UNIQUE KEY medications_name_key (name)
);

CREATE TABLE prescriptions (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    appointment_id BIGINT NOT NULL,
    medication_id INT NOT NULL,
    doses_per_day SMALLINT NOT NULL DEFAULT 1,
    days SMALLINT NOT NULL,
    notes JSON NULL,
    CONSTRAINT prescriptions_appointment_fk FOREIGN KEY (appointment_id) REFERENCES appointments (id),
    CONSTRAINT prescriptions_medication_fk FOREIGN KEY (medication_id) REFERENCES medications (id) ON UPDATE CASCADE
);

CREATE TABLE vitals (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    patient_id CHAR(36) NOT NULL,
    taken_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    weight_kg DECIMAL(5, 1) NULL,
    height_cm DECIMAL(5, 1) NULL,
    bmi DECIMAL(5, 1) AS (weight_kg / ((height_cm / 100) * (height_cm / 100))) VIRTUAL,
    CONSTRAINT vitals_patient_fk FOREIGN KEY (patient_id) REFERENCES patients (id)
);

CREATE VIEW todays_appointments AS SELECT a.id, p.name, a.starts_at FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE DATE(a.starts_at) = CURRENT_DATE;

CREATE TRIGGER appointments_default_room BEFORE INSERT ON appointments FOR EACH ROW SET NEW.duration_min = GREATEST(NEW.duration_min, 5);

INSERT INTO departments (name, floor) VALUES ('Cardiology', 2), ('Emergency', 0);

INSERT INTO staff (department_id, role, `firstName`, `lastName`, salary) VALUES (1, 'doctor', 'Grace', 'Hopper', 9000.00), (1, 'nurse', 'Ada', 'Lovelace', 4000.00);

INSERT INTO patients (id, mrn, name, birth_date) VALUES ('6f1c1f4e-9a0b-4c4e-8a59-0d7a3b1f2e11', 'MRN-1', 'Alan', '1954-06-23');

INSERT INTO rooms (department_id, number, beds) VALUES (1, '2.01', 2);

INSERT INTO appointments (patient_id, doctor_id, room_department, room_number, kind, starts_at) VALUES ('6f1c1f4e-9a0b-4c4e-8a59-0d7a3b1f2e11', 1, 1, '2.01', 'follow-up', '2026-01-02 10:00:00');

INSERT INTO diagnoses (code, title) VALUES ('I10', 'Hypertension');

INSERT INTO appointment_diagnoses (appointment_id, diagnosis_code, is_primary) VALUES (1, 'I10', 1);
